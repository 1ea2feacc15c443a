// Everything the bench starts is registered here, so that it goes away however the run ends:
// normal completion, a failed phase, an exception, or Ctrl-C / SIGTERM.
const tasks = [];
const exitTasks = [];
const children = new Map();
let running;
let signalled;

/** The signal that interrupted the run, if one did: errors after it are its consequences. */
export const interruptedBy = () => signalled;

/** An async step for the orderly teardown; steps run last-registered first. */
export function onCleanup(task) {
  tasks.push(task);
}

/** A synchronous last resort for the 'exit' event, when the orderly teardown could not run or finish. */
export function onExit(task) {
  exitTasks.push(task);
}

/** A child process that is killed with `signal` at exit if it is still alive then. */
export function adopt(child, signal = 'SIGKILL') {
  children.set(child, signal);
  child.once('exit', () => children.delete(child));
  return child;
}

export function cleanup() {
  running ??= (async () => {
    while (tasks.length) {
      const task = tasks.pop();
      try {
        await task();
      } catch (error) {
        console.error(`bench: cleanup step failed: ${error?.message ?? error}`);
      }
    }
  })();
  return running;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

process.on('exit', () => {
  for (const [child, signal] of children) child.kill(signal);
  for (const task of exitTasks) {
    try {
      task();
    } catch {
      // Nothing more can be done while the process exits.
    }
  }
});

for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (error) => {
    console.error(`bench: ${event}:`, error);
    cleanup().finally(() => process.exit(1));
  });
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => {
    // A second signal means "now": the 'exit' handler still kills the children.
    if (signalled) process.exit(code);
    signalled = signal;
    console.error(`\nbench: ${signal} received, cleaning up`);
    cleanup().finally(() => process.exit(code));
  });
}
