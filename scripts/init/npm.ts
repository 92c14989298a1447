/** How to run npm from a command: the npm running this one (npx, npm run; not yarn or pnpm), else `npm` on the PATH. */
export function npmCommand(args: string[]): { file: string; args: string[]; shell: boolean } {
  const running = process.env.npm_execpath;
  if (running !== undefined && running !== "" && /npm-cli\.js$/.test(running))
    return { file: process.execPath, args: [running, ...args], shell: false };
  // On Windows npm is npm.cmd, which only a shell runs.
  return { file: "npm", args, shell: process.platform === "win32" };
}
