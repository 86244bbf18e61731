import { type Command, command } from '../commands/command';
import type { Finding } from './finding';

/**
 * One read-only round trip: who the deploy user is, the env file's mode and owner, and the
 * configuration of the sshd serving this connection (found by walking up from this shell to the
 * sshd listener and reading its `-f` file, else /etc/ssh/sshd_config), with Include lines
 * expanded in place.
 */
export function auditHostCommand(envFile: string): Command {
  return command([
    'sh',
    '-c',
    `env_file=$1
echo "== user"
id -u; id -un
echo "== envfile"
if [ -e "$env_file" ]; then stat -c '%a %U' "$env_file"; else echo missing; fi
config=/etc/ssh/sshd_config
pid=$PPID
while [ "$pid" -gt 1 ] 2>/dev/null; do
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ]; then
    args=$(tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)
    case "$args" in
      *" -f "*) config=\${args#*" -f "}; config=\${config%% *}; break ;;
    esac
  fi
  pid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null) || break
done
echo "== sshd $config"
expand() {
  [ -r "$1" ] || { echo "# unreadable: $1"; return; }
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      [Ii]nclude\\ *|[Ii]nclude\\	*)
        for pattern in \${line#* }; do
          case "$pattern" in /*) ;; *) pattern=/etc/ssh/$pattern ;; esac
          for f in $pattern; do [ -f "$f" ] && cat "$f"; done
        done ;;
      *) printf '%s\\n' "$line" ;;
    esac
  done < "$1"
}
expand "$config"
exit 0`,
    'stack-deploy-audit',
    envFile,
  ]);
}

function sections(output: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current = '';
  for (const line of output.split('\n')) {
    if (line.startsWith('== ')) {
      current = line.slice(3);
      found.set(current, []);
    } else {
      found.get(current)?.push(line);
    }
  }
  return found;
}

/** sshd takes the first value of a keyword, outside Match blocks; PasswordAuthentication defaults to yes. */
export function sshdAllowsPasswords(config: readonly string[]): boolean | undefined {
  if (config.some((line) => line.startsWith('# unreadable: '))) return undefined;
  for (const raw of config) {
    const line = raw.trim();
    if (/^match\s/iu.test(line)) break;
    const match = /^passwordauthentication[\s=]+(\S+)/iu.exec(line);
    if (match !== null) return match[1]?.toLowerCase() === 'yes';
  }
  return true;
}

/** Findings on the host: the deploy user, the env file's mode and owner, sshd's password logins. */
export function hostFindings(output: string, where: { readonly host: string; readonly envFile: string }): Finding[] {
  const parts = sections(output);
  const findings: Finding[] = [];
  const [uid, user] = parts.get('user') ?? [];
  if (uid?.trim() === '0') {
    findings.push({ severity: 'high', where: where.host, what: 'the deploy user is root', fix: 'deploy as a user of its own in the "docker" group (environments.<name>.user), and disable root logins (PermitRootLogin no)' });
  }
  const envFile = (parts.get('envfile') ?? [])[0]?.trim() ?? '';
  if (envFile === 'missing' || envFile === '') {
    findings.push({ severity: 'low', where: `${where.host} ${where.envFile}`, what: 'no env file yet (nothing was deployed here)', fix: 'deploy once, then audit again' });
  } else {
    const [mode = '', owner = ''] = envFile.split(' ');
    if ((Number.parseInt(mode, 8) & 0o077) !== 0) {
      findings.push({ severity: 'high', where: `${where.host} ${where.envFile}`, what: `the env file is readable by others (mode ${mode})`, fix: `chmod 600 ${where.envFile} (every deploy writes it 0600 again)` });
    }
    if (user !== undefined && owner !== user.trim()) {
      findings.push({ severity: 'medium', where: `${where.host} ${where.envFile}`, what: `the env file belongs to ${owner}, not to the deploy user ${user.trim()}`, fix: `chown ${user.trim()} ${where.envFile}` });
    }
  }
  const sshd = [...parts.entries()].find(([name]) => name.startsWith('sshd '));
  if (sshd !== undefined) {
    const file = sshd[0].slice('sshd '.length);
    const allows = sshdAllowsPasswords(sshd[1]);
    if (allows === undefined) {
      findings.push({ severity: 'low', where: `${where.host} ${file}`, what: 'the sshd configuration is not readable by the deploy user', fix: 'check by hand that it says PasswordAuthentication no' });
    } else if (allows) {
      findings.push({ severity: 'high', where: `${where.host} ${file}`, what: 'sshd allows password logins', fix: 'set PasswordAuthentication no (and KbdInteractiveAuthentication no) and reload sshd; use keys only' });
    }
  }
  return findings;
}
