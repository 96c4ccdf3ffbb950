import { runCli } from '../../src/cli/index.js'

/** Runs the CLI in-process and captures what it prints. */
export async function runCliCaptured(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  signal = new AbortController().signal,
) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env,
    pid: process.pid,
    signal,
  })
  return { code, stdout, stderr }
}
