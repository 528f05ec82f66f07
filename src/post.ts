// The action's post step: keeps whatever a cancelled or failed run recorded.
import { runPost } from './action/post.js';

await runPost();
