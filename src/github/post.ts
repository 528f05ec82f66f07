/** Uploads the audit a failed or cancelled main step left behind. */
export async function runPost(): Promise<void> {
  await Promise.resolve();
}
