import { describe, expect, test } from 'vitest';
import { composeFindings } from '../../../src/audit/compose-findings';
import { formatFinding, sortFindings } from '../../../src/audit/finding';

const COMPOSE = `services:
  api:
    build: ./api
    environment:
      DATABASE_URL: postgres://app:hunter2@db/app
      DB_PASSWORD: \${DB_PASSWORD}
      LOG_LEVEL: info
      API_TOKEN: ""
  worker:
    image: ghcr.io/acme/worker
    environment:
      - SECRET_KEY=abc123
      - PLAIN=1
  db:
    image: postgres:15
    ports: ["5432:5432", "127.0.0.1:5433:5432"]
  cache:
    image: redis:latest
    ports:
      - target: 6379
        published: 6379
  web:
    image: nginx:1.27
    ports: ["80:80", "0.0.0.0:443:443"]
  agent:
    image: portainer/agent@sha256:${'a'.repeat(64)}
    privileged: true
    volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro", "data:/data"]
  sidecar:
    image: busybox
    volumes:
      - type: bind
        source: /run/docker.sock
        target: /var/run/docker.sock
`;

describe('composeFindings', () => {
  const findings = composeFindings('compose.yml', COMPOSE, new Set(['worker']));

  test('finds each risk with its line and key', () => {
    expect(findings.map(({ severity, where }) => `${severity} ${where}`)).toEqual([
      'high compose.yml:5 services.api.environment.DATABASE_URL',
      'high compose.yml:12 services.worker.environment.0',
      'high compose.yml:16 services.db.ports.0',
      'high compose.yml:20 services.cache.ports.0',
      'medium compose.yml:18 services.cache.image',
      'high compose.yml:27 services.agent.privileged',
      'high compose.yml:28 services.agent.volumes.0',
      'high compose.yml:32 services.sidecar.volumes.0',
      'medium compose.yml:30 services.sidecar.image',
    ]);
  });

  test('says what and how to fix it', () => {
    expect(findings.map(formatFinding)[2]).toBe(
      'HIGH compose.yml:16 services.db.ports.0: port 5432 of "db" (a database or queue) is published on all interfaces (fix: bind it to the host\'s loopback ("127.0.0.1:5432:5432"), or drop it and reach "db" on the Compose network)',
    );
    expect(findings[0]?.fix).toContain('${DATABASE_URL}');
    expect(findings.map(formatFinding)[1]).toBe(
      'HIGH compose.yml:12 services.worker.environment.0: SECRET_KEY of "worker" is written in plain text in the compose file (and in Git) (fix: move the value to the env secret and write SECRET_KEY: ${SECRET_KEY} (or env_file: ["${STACK_DEPLOY_ENV_FILE}"]); rotate the exposed value)',
    );
  });

  test('interpolated values, loopback ports, web ports, built and tagged images pass', () => {
    expect(composeFindings('c.yml', 'services:\n  db:\n    image: postgres:15\n    ports: ["127.0.0.1:5432:5432"]\n    environment: { POSTGRES_PASSWORD: "${PG_PASSWORD:?}", POSTGRES_PASSWORD_FILE: /run/secrets/pg }\n  web:\n    build: .\n    ports: ["443:443"]\n', new Set())).toEqual([]);
  });

  test('high findings sort first', () => {
    expect(sortFindings(findings).map((f) => f.severity)).toEqual(['high', 'high', 'high', 'high', 'high', 'high', 'high', 'medium', 'medium']);
  });
});
