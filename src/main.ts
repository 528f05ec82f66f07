/** The action's orchestrator: inputs -> mode -> steps -> outputs. */
export async function run(): Promise<void> {
  await Promise.resolve();
}
