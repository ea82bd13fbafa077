// `porcupine user add|passwd|list|remove`: user administration against any node's HTTP admin endpoint,
// authenticated with the cluster secret. Passwords become scrypt verifiers on the node and are replicated as
// profiles through the node reducer.
import { randomBytes } from 'node:crypto';
import { readSecret } from './node-config.js';
import { adminRequest } from './admin-client.js';

export const USER_USAGE = `porcupine user — manage the users of a Porcupine cluster

Usage: porcupine user add NAME    [--password-stdin] --node HOST:PORT --secret-file FILE
       porcupine user passwd NAME [--password-stdin] --node HOST:PORT --secret-file FILE
       porcupine user remove NAME                    --node HOST:PORT --secret-file FILE
       porcupine user list                           --node HOST:PORT --secret-file FILE

  --node HOST:PORT    a node's HTTP address (any node of the cluster)
  --secret-file FILE  the cluster secret (the file every node was started with)
  --password-stdin    read the password from the first line of standard input; without it a random
                      password is generated and printed

Exit status: 0 done, 1 refused by the cluster (exists, unknown user, try again), 2 bad usage.`;

export async function runUserCommand(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USER_USAGE + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  const errors: string[] = [];
  const [action, ...rest] = argv;
  let node: string | undefined;
  let secretFile: string | undefined;
  let passwordStdin = false;
  const names: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--node') node = rest[++i];
    else if (a === '--secret-file') secretFile = rest[++i];
    else if (a === '--password-stdin') passwordStdin = true;
    else if (a.startsWith('--')) errors.push(`unknown option '${a}'`);
    else names.push(a);
  }
  if (action !== 'add' && action !== 'passwd' && action !== 'remove' && action !== 'list') errors.push(`unknown action '${action}' (add, passwd, remove or list)`);
  const wantsName = action !== 'list';
  if (wantsName && names.length !== 1) errors.push(`${action} takes exactly one user NAME`);
  if (!wantsName && names.length > 0) errors.push('list takes no NAME');
  if (passwordStdin && action !== 'add' && action !== 'passwd') errors.push('--password-stdin goes with add or passwd');
  if (node === undefined) errors.push('--node HOST:PORT is required');
  else if (!/^.+:[0-9]{1,5}$/.test(node)) errors.push(`--node '${node}' is not HOST:PORT`);
  if (secretFile === undefined) errors.push('--secret-file FILE is required');
  const secret = secretFile === undefined ? undefined : readSecret(secretFile);
  if (typeof secret === 'string') errors.push(secret);
  if (errors.length > 0 || node === undefined || secret === undefined || typeof secret === 'string') {
    for (const e of errors) process.stderr.write(`porcupine user: ${e}\n`);
    return 2;
  }
  try {
    if (action === 'list') {
      const r = await adminRequest(node, secret, 'GET', '/admin/users');
      if (r.status !== 200) return fail(r.status, r.body);
      const b = r.body as { users: string[]; complete: boolean; text: string };
      for (const u of b.users) process.stdout.write(u + '\n');
      if (!b.complete) process.stderr.write(`porcupine user: ${b.text}\n`);
      return b.complete ? 0 : 1;
    }
    const name = names[0];
    const path = `/admin/users/${encodeURIComponent(name)}`;
    if (action === 'remove') {
      const r = await adminRequest(node, secret, 'DELETE', path);
      if (r.status !== 200) return fail(r.status, r.body);
      process.stdout.write(`user ${name} removed\n`);
      return 0;
    }
    const generated = !passwordStdin;
    const password = passwordStdin ? await readFirstLine() : randomBytes(12).toString('base64url');
    if (password.length === 0) {
      process.stderr.write('porcupine user: the password read from standard input is empty\n');
      return 2;
    }
    const r = await adminRequest(node, secret, 'PUT', path, JSON.stringify({ password, mode: action }));
    if (r.status !== 200 && r.status !== 201) return fail(r.status, r.body);
    process.stdout.write(action === 'add' ? `user ${name} added` : `password of ${name} changed`);
    process.stdout.write(generated ? `; password: ${password}\n` : '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`porcupine user: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

function fail(status: number, body: unknown): number {
  const error = typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : JSON.stringify(body);
  process.stderr.write(`porcupine user: ${error} (HTTP ${status})\n`);
  return status === 400 ? 2 : 1;
}

async function readFirstLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}
