// The action's post step: keeps whatever a cancelled or failed run recorded.
import { runPost } from './github/post.js';

await runPost();
