// The layout thread when the program runs from its TypeScript sources (the tests): tsx compiles the
// thread's modules as it does the tests'. The built program uses layout-worker.js directly.
import { register } from 'tsx/esm/api';

register();
const { default: layOutInThread } = await import('./layout-worker.ts');
export default layOutInThread;
