// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * What login and keys must do in each situation a user can be in.
 *
 * Each scenario below sets up the fake OpenRouter, the env files, the process environment, and
 * what the user does (in the browser, at the terminal); EXPECTED (generated from the template's
 * shared table, which the Python flavour uses too) says what must then happen: the command line,
 * its exit status, a phrase its output holds, and what the env file holds afterwards. play() runs
 * one, the way a user runs the command.
 */

import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { parseEnv } from "node:util";

import { ENVIRONMENTS, PROJECT_SLUG } from "../../src/openrouter/config.ts";
import { API, type FakeOpenRouter, keyHash, newKey } from "./fake-server.ts";
import { Command, projectDirectory, startFake } from "./fixtures.ts";

const MANAGEMENT_KEY = "OPENROUTER_MANAGEMENT_KEY";
/** Generous: events end every wait long before it (the fake's request log, a printed line). */
const PATIENCE_MS = 60_000;

/** What the scenarios need to know about the project under test. */
export interface Project {
  slug: string;
  environments: readonly string[];
}

export const PROJECT: Project = { slug: PROJECT_SLUG, environments: ENVIRONMENTS };

/** The person at the terminal, as a scenario drives them. */
export interface User {
  /** Wait until the command has printed text (on stderr). */
  waitFor(text: string): Promise<void>;
  /** Type a line (nothing: just end the input) into the command. */
  type(text: string): void;
}

type Json = Record<string, unknown>;

/** One scenario's world: the fake, the project directory, the command's environment. */
export class Setup {
  readonly project: Project;
  readonly fake: FakeOpenRouter;
  readonly directory: string;
  readonly env: Record<string, string> = {};
  /** What the user does with the URL login printed: open it, answer its page... */
  browse: ((url: string, user: User) => Promise<void>) | null = null;
  /** Send Ctrl-C (SIGINT) once the fake has received this request (method, path). */
  interruptOn: [string, string] | null = null;
  /** The signal that interrupts: SIGINT (Ctrl-C), SIGTERM (docker stop), SIGHUP (SSH gone). */
  interruptWith: NodeJS.Signals = "SIGINT";
  /** What else must hold afterwards, given what the command printed on stdout. */
  check: ((out: string) => void) | null = null;
  /** Undo what the runner cannot (permissions, connections), even when the scenario failed. */
  cleanup: (() => void) | null = null;
  oldKey = "";
  readonly pages: string[] = [];

  constructor(project: Project, fake: FakeOpenRouter, directory: string) {
    this.project = project;
    this.fake = fake;
    this.directory = directory;
  }

  envFile(environment = "development"): string {
    return join(this.directory, `.env.${environment}`);
  }

  /** .env sends the project to the fake, as a user's .env could send it anywhere. */
  pointAtFake(): void {
    writeFileSync(join(this.directory, ".env"), `OPENROUTER_BASE_URL=${this.fake.baseUrl}\n`);
  }

  /** A management key the fake accepts, exported as OPENROUTER_MANAGEMENT_KEY. */
  managementKey(): string {
    const key = this.fake.addManagementKey(undefined, { name: `${this.project.slug}-admin` });
    this.env[MANAGEMENT_KEY] = key;
    return key;
  }

  /** A key made earlier by the keys command, in the environment's env file. */
  existingKey(environment = "development", data: Json = {}): string {
    this.oldKey = this.fake.addKey(undefined, {
      name: `${this.project.slug}-${environment}-20260101`,
      limit: 10.0,
      limit_remaining: 9.0,
      limit_reset: "monthly",
      ...data,
    });
    writeFileSync(
      this.envFile(environment),
      `# ${environment}\nOPENROUTER_API_KEY=${this.oldKey}\n`,
    );
    return this.oldKey;
  }

  /** Do what the browser does: open the URL, follow redirects, keep the page. */
  async open(url: string): Promise<string> {
    const page = await (await fetch(url, { signal: AbortSignal.timeout(PATIENCE_MS) })).text();
    this.pages.push(page);
    return page;
  }

  /** Sign in and approve: OpenRouter redirects to the callback, which shows a page. */
  readonly approve = async (url: string): Promise<void> => {
    await this.open(url);
  };

  /** --headless: open the URL elsewhere, read the code OpenRouter shows, type it. */
  async pasteCode(url: string, user: User, extra = ""): Promise<void> {
    const shown = /<code id='code'>([^<]*)<\/code>/.exec(await this.open(url));
    assert.ok(shown?.[1], "the fake showed no code");
    user.type(shown[1] + extra);
  }

  /** Whether the fake has received this request (its path without the query). */
  received(method: string, path: string): boolean {
    return this.fake.requests.some(
      (request) => request.method === method && request.path.split("?")[0] === path,
    );
  }

  /** The bodies of POST /keys: the keys the command made. */
  posted(): Json[] {
    return this.fake.requests
      .filter((request) => request.method === "POST" && request.path === `${API}/keys`)
      .map((request) => JSON.parse(request.body) as Json);
  }
}

// biome-ignore format: one row of the shared table per line
export const EXPECTED: Record<string, [string, number, string, string]> = {
  create: ["keys create --env development", 0, "10 USD monthly", "new"],
  create_with_limit: ["keys create --env staging --limit 20", 0, "20 USD monthly", "new"],
  create_production: ["keys create --env production --limit 100", 0, "expires", "new"],
  create_production_without_limit: ["keys create --env production", 2, "--limit USD", "unchanged"],
  create_bad_limit: ["keys create --env development --limit 0x10", 2, "--limit must be", "unchanged"],
  create_keeps_an_existing_key: ["keys create --env development", 1, "--force", "unchanged"],
  create_force_replaces_the_key: ["keys create --env development --force", 0, "Created", "new"],
  create_into_a_directory: ["keys create --env development", 2, "is a directory", "unchanged"],
  create_refused: ["keys create --env development", 1, "HTTP 500", "unchanged"],
  create_interrupted: ["keys create --env development", 130, "was not changed", "unchanged"],
  no_management_key: ["keys list", 2, "settings/management-keys", "unchanged"],
  management_key_from_dot_env: ["keys list --json", 0, '"keys"', "unchanged"],
  ordinary_key_as_management_key: ["keys list", 1, "HTTP 401", "unchanged"],
  list_table: ["keys list", 0, ".env.development", "unchanged"],
  list_json: ["keys list --json", 0, '"file":".env.development"', "unchanged"],
  list_nothing: ["keys list", 0, "No keys named", "none"],
  rotate: ["keys rotate --env development", 0, "Rotated development", "new"],
  rotate_production: ["keys rotate --env production", 0, "expires", "new"],
  rotate_compromised: ["keys rotate --env development --compromised", 0, "exposed key", "new"],
  rotate_without_a_key: ["keys rotate --env development", 2, "no key to rotate", "none"],
  rotate_an_unknown_key: ["keys rotate --env development", 1, "not one of this account's keys", "unchanged"],
  rotate_with_an_exported_key: ["keys rotate --env development", 2, "unset OPENROUTER_API_KEY", "unchanged"],
  rotate_successor_fails_verification: ["keys rotate --env development", 1, "failed verification", "old"],
  rotate_interrupted_creating: ["keys rotate --env development", 130, "was not changed", "old"],
  rotate_interrupted_verifying: ["keys rotate --env development", 130, "holds the old key", "old"],
  rotate_interrupted_deleting: ["keys rotate --env development", 130, "may still exist", "new"],
  rotate_network_error_creating: ["keys rotate --env development", 1, "Could not reach", "old"],
  rotate_network_error_verifying: ["keys rotate --env development", 1, "failed verification", "old"],
  rotate_network_error_deleting: ["keys rotate --env development", 1, "could not be deleted", "new"],
  list_hostile_names: ["keys list", 0, "gnp.exe\\u202e\\u001b]0;owned\\u0007", "unchanged"],
  list_json_hostile_names: ["keys list --json", 0, "gnp.exe\\\\u202e\\\\u001b]0;owned\\\\u0007", "unchanged"],
  rotate_hostile_name: ["keys rotate --env development", 0, "20260101\\u001b]0;owned\\u0007\\u200b", "new"],
  list_trickled: ["keys list --timeout 1", 1, "did not answer within 1 s", "unchanged"],
  create_trickled: ["keys create --env development --timeout 1", 1, "did not answer within 1 s", "unchanged"],
  rotate_verifying_hangs: ["keys rotate --env development --timeout 1", 1, "did not answer within 1 s", "old"],
  create_with_an_exported_key_file: ["keys create --env development", 0, "unset OPENROUTER_API_KEY_FILE", "new"],
  create_with_an_exported_key: ["keys create --env development", 0, "unset OPENROUTER_API_KEY)", "new"],
  management_key_in_a_readable_dot_env: ["keys list --json", 0, '"keys"', "unchanged"],
  rotate_the_same_day: ["keys rotate --env development", 0, "Rotated development", "new"],
  guard: ["keys guard --env development", 0, "a leaked key can spend on nothing else", "unchanged"],
  guard_updates_the_guardrail: ["keys guard --env development", 0, "Guardrail", "unchanged"],
  guard_without_a_key: ["keys guard --env development", 2, "no key to guard", "none"],
  guard_with_a_bad_zdr_setting: ["keys guard --env development", 2, "OPENROUTER_ZDR", "unchanged"],
  create_guards_the_key: ["keys create --env development", 0, "is assigned to it", "new"],
  create_without_a_guard: ["keys create --env development --no-guard", 0, "Created", "new"],
  rotate_guards_the_successor_first: ["keys rotate --env development", 0, "Rotated development", "new"],
  rotate_guard_refused: ["keys rotate --env development", 1, "could not be guarded", "old"],
  list_json_shows_the_guardrail: ["keys list --json", 0, '"guardrail":"', "unchanged"],
  create_interrupted_by_sigterm: ["keys create --env development", 143, "was not changed", "unchanged"],
  rotate_interrupted_creating_by_sigterm: ["keys rotate --env development", 143, "was not changed", "old"],
  rotate_interrupted_verifying_by_sigterm: ["keys rotate --env development", 143, "holds the old key", "old"],
  rotate_interrupted_verifying_by_sighup: ["keys rotate --env development", 129, "holds the old key", "old"],
  rotate_interrupted_deleting_by_sighup: ["keys rotate --env development", 129, "may still exist", "new"],
  rotate_interrupted_guarding: ["keys rotate --env development", 143, "holds the old key", "old"],
  rotate_file_changed_meanwhile: ["keys rotate --env development", 1, "changed during the rotation", "new"],
  rotate_keeps_the_place: ["keys rotate --env development", 0, "Rotated development", "new"],
  list_finds_keys_in_every_workspace: ["keys list --json", 0, '"keys"', "unchanged"],
  approve: ["login --no-browser", 0, "Saved the new key", "new"],
  approve_with_limit: ["login --no-browser --env staging --limit 20", 0, "Saved the new key", "new"],
  production_without_limit: ["login --no-browser --env production", 2, "--limit USD", "unchanged"],
  headless: ["login --headless", 0, "Saved the new key", "new"],
  headless_code_with_control_characters: ["login --headless", 1, "control characters", "unchanged"],
  headless_without_a_code: ["login --headless", 1, "No authorization code", "unchanged"],
  denied: ["login --no-browser", 1, "access_denied", "unchanged"],
  denied_with_escape_sequences: ["login --no-browser", 1, "sign-in refused", "unchanged"],
  stray_requests_are_ignored: ["login --no-browser", 0, "Saved the new key", "new"],
  an_idle_connection_does_not_stall: ["login --no-browser", 0, "Saved the new key", "new"],
  exchange_refused: ["login --no-browser", 1, "HTTP 403", "unchanged"],
  no_browser_available: ["login", 0, "by hand", "new"],
  an_existing_key_is_kept: ["login --no-browser", 1, "--force", "unchanged"],
  env_file_is_a_directory: ["login --no-browser", 2, "is a directory", "unchanged"],
  env_file_is_read_only: ["login --no-browser", 2, "read-only", "unchanged"],
  directory_is_read_only: ["login --no-browser", 2, "directory is not writable", "unchanged"],
  timeout: ["login --no-browser --timeout 1", 1, "within 1 s", "unchanged"],
  exchange_refused_with_escape_sequences: ["login --no-browser", 1, "Invalid code\\u001b]0;owned\\u0007\\u202e", "unchanged"],
  callback_takes_only_its_own_request: ["login --no-browser", 0, "Saved the new key", "new"],
  headless_line_too_long: ["login --headless", 1, "longer than 4 KiB", "unchanged"],
  exchange_trickled: ["login --no-browser --timeout 1", 1, "did not answer within 1 s", "unchanged"],
  approve_with_an_exported_key_file: ["login --no-browser", 0, "unset OPENROUTER_API_KEY_FILE", "new"],
  approve_with_an_exported_key: ["login --no-browser", 0, "unset OPENROUTER_API_KEY)", "new"],
  save_fails_after_the_exchange: ["login --no-browser", 1, "https://openrouter.ai/settings/keys", "none"],
  the_browser_gets_no_key: ["login", 0, "Saved the new key", "new"],
  approve_says_where_the_environment_came_from: ["login --no-browser", 0, "Environment development (default)", "new"],
  approve_production: ["login --no-browser --env production --limit 100", 0, "Saved the new key", "new"],
};

export interface Scenario {
  name: string;
  prepare: (setup: Setup) => void;
  /** login or keys. */
  program: "login" | "keys";
  args: string[];
  /** The environment whose env file the command reads or writes. */
  environment: string;
  exitCode: number;
  phrase: string;
  after: string;
}

export const SCENARIOS: Scenario[] = [];

/** Register prepare as the scenario of this name in EXPECTED. */
function scenario(name: string, prepare: (setup: Setup) => void): void {
  const [command = "", exitCode = 0, phrase = "", after = ""] = EXPECTED[name] ?? [];
  const [program, ...args] = command.split(" ");
  assert.ok(program === "login" || program === "keys", `no row ${name} in the table`);
  const environment = args.includes("--env")
    ? (args[args.indexOf("--env") + 1] ?? "")
    : "development";
  SCENARIOS.push({ name, prepare, program, args, environment, exitCode, phrase, after });
}

/** The scenarios that make sense for this project's environments. */
export function scenariosFor(project: Project): Scenario[] {
  return SCENARIOS.filter((found) => project.environments.includes(found.environment));
}

function callbackUrl(url: string): string {
  return new URL(url).searchParams.get("callback_url") ?? "";
}

// --- keys create ------------------------------------------------------------------

scenario("create", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.check = () => {
    const [body] = setup.posted();
    assert.ok(
      String(body?.name).startsWith(`${setup.project.slug}-development-`),
      String(body?.name),
    );
    assert.deepEqual(
      [body?.limit, body?.limit_reset, body?.expires_at],
      [10, "monthly", undefined],
    );
  };
});

scenario("create_with_limit", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
});

scenario("create_production", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.check = () => {
    const [body] = setup.posted();
    assert.equal(body?.limit, 100);
    assert.match(String(body?.expires_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  };
});

scenario("create_production_without_limit", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
});

scenario("create_bad_limit", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
});

scenario("create_keeps_an_existing_key", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
});

scenario("create_force_replaces_the_key", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
});

scenario("create_into_a_directory", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  mkdirSync(setup.envFile());
});

scenario("create_refused", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.fake.respond(`${API}/keys`, 500, { error: "Internal Server Error", method: "POST" });
});

scenario("create_interrupted", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.fake.hang(`${API}/keys`, "POST");
  setup.interruptOn = ["POST", `${API}/keys`];
});

// --- the management key -------------------------------------------------------------

scenario("no_management_key", (setup) => {
  setup.pointAtFake();
});

scenario("management_key_from_dot_env", (setup) => {
  setup.pointAtFake();
  const key = setup.managementKey();
  delete setup.env[MANAGEMENT_KEY];
  const dotEnv = join(setup.directory, ".env");
  writeFileSync(dotEnv, `${readFileSync(dotEnv, "utf8")}${MANAGEMENT_KEY}=${key}\n`);
});

scenario("ordinary_key_as_management_key", (setup) => {
  setup.pointAtFake();
  setup.env[MANAGEMENT_KEY] = setup.fake.addKey();
});

// --- keys list ----------------------------------------------------------------------

scenario("list_table", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.addKey(undefined, { name: "another-project-development" });
});

scenario("list_json", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const key = setup.existingKey("development", {
    expires_at: "2027-01-01T00:00:00Z",
    usage_monthly: 1.25,
  });
  setup.fake.addKey(undefined, { name: "another-project-development" });
  const staging = setup.fake.addKey(undefined, {
    name: `${setup.project.slug}-staging-20260101`,
    disabled: true,
  });
  setup.check = (out) => {
    const rows = (JSON.parse(out) as { keys: Json[] }).keys;
    const listed = new Map(rows.map((row) => [row.hash, row]));
    assert.deepEqual([...listed.keys()].sort(), [keyHash(key), keyHash(staging)].sort());
    assert.deepEqual(listed.get(keyHash(key)), {
      name: `${setup.project.slug}-development-20260101`,
      environment: "development",
      hash: keyHash(key),
      limit: 10,
      limit_reset: "monthly",
      usage_monthly: 1.25,
      expires_at: "2027-01-01T00:00:00Z",
      disabled: false,
      file: ".env.development",
      guardrail: null,
    });
    assert.equal(listed.get(keyHash(staging))?.disabled, true);
    assert.equal(listed.get(keyHash(staging))?.file, null);
  };
});

scenario("list_nothing", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.fake.addKey(undefined, { name: "another-project-development" });
});

// --- keys rotate --------------------------------------------------------------------

/** The old key is gone, and its successor kept its limit and reset. */
function rotated(setup: Setup): void {
  assert.ok(!setup.fake.keys.has(setup.oldKey), "the old key was not deleted");
  const [body] = setup.posted();
  assert.deepEqual([body?.limit, body?.limit_reset], [10, "monthly"]);
}

scenario("rotate", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.check = () => rotated(setup);
});

scenario("rotate_production", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey("production", { expires_at: "2026-01-20T00:00:00Z" });
  setup.check = () => {
    rotated(setup);
    assert.ok(String(setup.posted()[0]?.expires_at) > "2026-01-20T00:00:00Z");
  };
});

scenario("rotate_compromised", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const old = setup.existingKey();
  setup.check = () => {
    rotated(setup);
    const order = setup.fake.requests
      .filter((request) => request.path.startsWith(`${API}/keys`))
      .map((request) => request.method);
    assert.ok(order.indexOf("DELETE") < order.indexOf("POST"), "the exposed key must go first");
    const deleted = setup.fake.requests.filter((request) => request.method === "DELETE");
    assert.deepEqual(
      deleted.map((request) => request.path),
      [`${API}/keys/${keyHash(old)}`],
    );
  };
});

scenario("rotate_without_a_key", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
});

scenario("rotate_an_unknown_key", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  writeFileSync(setup.envFile(), `OPENROUTER_API_KEY=${newKey()}\n`); // another account's key
});

scenario("rotate_with_an_exported_key", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.env.OPENROUTER_API_KEY = newKey();
});

function successorDeleted(setup: Setup): void {
  assert.ok(setup.fake.keys.has(setup.oldKey), "the old key must keep working");
  assert.equal(setup.fake.deletedKeys.length, 1);
  assert.notEqual(setup.fake.deletedKeys[0], setup.oldKey, "the successor must be deleted");
}

scenario("rotate_successor_fails_verification", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.respond(`${API}/key`, 401, { error: "User not found." });
  setup.check = () => successorDeleted(setup);
});

scenario("rotate_interrupted_creating", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.hang(`${API}/keys`, "POST");
  setup.interruptOn = ["POST", `${API}/keys`];
});

scenario("rotate_interrupted_verifying", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.hang(`${API}/key`, "GET");
  setup.interruptOn = ["GET", `${API}/key`];
});

scenario("rotate_interrupted_deleting", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const old = setup.existingKey();
  setup.fake.hang(`${API}/keys/${keyHash(old)}`, "DELETE");
  setup.interruptOn = ["DELETE", `${API}/keys/${keyHash(old)}`];
});

scenario("rotate_network_error_creating", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.drop(`${API}/keys`, "POST");
});

scenario("rotate_network_error_verifying", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.drop(`${API}/key`, "GET");
  setup.check = () => successorDeleted(setup);
});

scenario("rotate_network_error_deleting", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const old = setup.existingKey();
  setup.fake.drop(`${API}/keys/${keyHash(old)}`, "DELETE");
  setup.check = () => assert.ok(setup.fake.keys.has(old), "the fake dropped the DELETE");
});

/** A key name as a hostile server could send it: a right-to-left override, a new window title. */
const HOSTILE_NAME = "gnp.exe\u202e\x1b]0;owned\x07";

scenario("list_hostile_names", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.fake.addKey(undefined, { name: `${setup.project.slug}-development-${HOSTILE_NAME}` });
});

scenario("list_json_hostile_names", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const name = `${setup.project.slug}-development-${HOSTILE_NAME}`;
  setup.fake.addKey(undefined, { name, limit_reset: "\u2066monthly", expires_at: "\x1b[8m" });
  setup.check = (out) => {
    const [row, ...more] = (JSON.parse(out) as { keys: Record<string, unknown>[] }).keys;
    assert.deepEqual(more, []);
    const shown = `${setup.project.slug}-development-gnp.exe\\u202e\\u001b]0;owned\\u0007`;
    assert.equal(row?.name, shown);
    assert.deepEqual([row?.limit_reset, row?.expires_at], ["\\u2066monthly", "\\u001b[8m"]);
  };
});

scenario("rotate_hostile_name", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey("development", {
    name: `${setup.project.slug}-development-20260101\x1b]0;owned\x07\u200b`,
  });
  setup.check = () => rotated(setup);
});

scenario("list_trickled", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.fake.trickle(`${API}/keys`, "GET");
});

scenario("create_trickled", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.fake.trickle(`${API}/keys`, "POST");
});

scenario("rotate_verifying_hangs", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.hang(`${API}/key`, "GET");
  setup.check = () => successorDeleted(setup);
});

/** verify checked the key saved in the env file, not the one the environment exports. */
function checkedTheNewKey(setup: Setup): void {
  const saved = savedKey(setup.envFile());
  const checked = setup.fake.requests
    .filter((request) => request.path === `${API}/key`)
    .map((request) => request.headers.authorization);
  assert.ok(checked.length > 0);
  assert.deepEqual([...new Set(checked)], [`Bearer ${saved}`]);
}

/** OPENROUTER_API_KEY_FILE exported, naming a file with a key OpenRouter does not know. */
function exportedKeyFile(setup: Setup): void {
  writeFileSync(join(setup.directory, "other-key"), `${newKey()}\n`);
  setup.env.OPENROUTER_API_KEY_FILE = "other-key";
  setup.check = () => checkedTheNewKey(setup);
}

/** OPENROUTER_API_KEY exported, with a key OpenRouter does not know. */
function exportedKey(setup: Setup): void {
  setup.env.OPENROUTER_API_KEY = newKey();
  setup.check = () => checkedTheNewKey(setup);
}

scenario("create_with_an_exported_key_file", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  exportedKeyFile(setup);
});

scenario("create_with_an_exported_key", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  exportedKey(setup);
});

scenario("management_key_in_a_readable_dot_env", (setup) => {
  const dotEnv = join(setup.directory, ".env");
  const key = setup.fake.addManagementKey(undefined, { name: `${setup.project.slug}-admin` });
  writeFileSync(dotEnv, `OPENROUTER_BASE_URL=${setup.fake.baseUrl}\n${MANAGEMENT_KEY}=${key}\n`);
  chmodSync(dotEnv, 0o644);
  setup.check = () => assert.equal(statSync(dotEnv).mode & 0o777, 0o600);
});

scenario("rotate_the_same_day", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  const name = `${setup.project.slug}-development-${today}`;
  setup.existingKey("development", { name }); // as 0.2.0 named it
  setup.check = () => {
    rotated(setup);
    const [body] = setup.posted();
    assert.match(String(body?.name), new RegExp(`^${name}-\\d{6}$`));
  };
});

// --- guardrails (keys guard; create and rotate guard by default) -----------------------

const FALLBACKS = ["anthropic/claude-haiku-4.5", "openai/gpt-5-mini"];

/** The environment's guardrail (the only one of its name), which must exist. */
function guardrailOf(setup: Setup, environment = "development"): Json {
  const name = `${setup.project.slug}-${environment}`;
  const found = [...setup.fake.guardrails.values()].filter((guardrail) => guardrail.name === name);
  assert.equal(found.length, 1, `one guardrail named ${name}`);
  return found[0] as Json;
}

/** The id of the guardrail the key is assigned to (it must be assigned to one). */
function assignedTo(setup: Setup, key: string): unknown {
  const found = setup.fake.keyAssignments.filter((found) => found.key_hash === keyHash(key));
  assert.equal(found.length, 1, "the key is assigned to one guardrail");
  return found[0]?.guardrail_id;
}

function guarded(setup: Setup, key: string, fallbacks: string[] = [], zdr: boolean | null = null) {
  const guardrail = guardrailOf(setup);
  const models = guardrail.allowed_models as string[];
  assert.equal(models.length, 1 + fallbacks.length);
  assert.deepEqual(models.slice(1), fallbacks);
  assert.deepEqual([guardrail.limit_usd, guardrail.reset_interval], [10, "monthly"]);
  assert.equal(guardrail.enforce_zdr, zdr);
  assert.equal(assignedTo(setup, key), guardrail.id);
}

scenario("guard", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const key = setup.existingKey();
  const more = `OPENROUTER_FALLBACK_MODELS=${FALLBACKS.join(", ")}\nOPENROUTER_ZDR=true\n`;
  writeFileSync(setup.envFile(), readFileSync(setup.envFile(), "utf8") + more);
  setup.check = () => guarded(setup, key, FALLBACKS, true);
});

scenario("guard_updates_the_guardrail", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const key = setup.existingKey();
  const name = `${setup.project.slug}-development`;
  const kept = setup.fake.addGuardrail(name, { allowed_models: ["x-ai/grok-4"], limit_usd: 999 });
  setup.check = () => {
    guarded(setup, key);
    assert.equal(guardrailOf(setup).id, kept, "the guardrail was updated, not made again");
  };
});

scenario("guard_without_a_key", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
});

scenario("guard_with_a_bad_zdr_setting", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.env.OPENROUTER_ZDR = "maybe";
});

scenario("create_guards_the_key", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.check = () => guarded(setup, savedKey(setup.envFile()));
});

scenario("create_without_a_guard", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.check = () => {
    assert.equal(setup.fake.guardrails.size, 0);
    assert.deepEqual(setup.fake.keyAssignments, []);
    assert.ok(!setup.received("POST", `${API}/guardrails`), "--no-guard asks for none");
  };
});

scenario("rotate_guards_the_successor_first", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const old = setup.existingKey();
  setup.check = () => {
    rotated(setup);
    guarded(setup, savedKey(setup.envFile()));
    const order = setup.fake.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
    const assigned = order.indexOf(
      `POST ${API}/guardrails/${String(guardrailOf(setup).id)}/assignments/keys`,
    );
    const deleted = order.indexOf(`DELETE ${API}/keys/${keyHash(old)}`);
    assert.ok(assigned >= 0 && assigned < deleted, order.join("\n"));
  };
});

scenario("rotate_guard_refused", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.respond(`${API}/guardrails`, 500, { error: "Internal Server Error", method: "POST" });
  setup.check = () => successorDeleted(setup);
});

scenario("list_json_shows_the_guardrail", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const key = setup.existingKey();
  const guardrail = setup.fake.addGuardrail(`${setup.project.slug}-development`);
  setup.fake.assignGuardrail(guardrail, keyHash(key));
  setup.check = (out) => {
    const rows = (JSON.parse(out) as { keys: Json[] }).keys;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.guardrail, `${setup.project.slug}-development`);
  };
});

// --- rotation whatever stops it: SIGTERM (docker stop, a CI timeout), SIGHUP (SSH gone) --

/** The scenario of this name, interrupted by another signal. */
function interruptedBy(name: string, signal: NodeJS.Signals): (setup: Setup) => void {
  return (setup) => {
    SCENARIOS.find((found) => found.name === name)?.prepare(setup);
    setup.interruptWith = signal;
  };
}

scenario("create_interrupted_by_sigterm", interruptedBy("create_interrupted", "SIGTERM"));
scenario(
  "rotate_interrupted_creating_by_sigterm",
  interruptedBy("rotate_interrupted_creating", "SIGTERM"),
);
scenario(
  "rotate_interrupted_verifying_by_sigterm",
  interruptedBy("rotate_interrupted_verifying", "SIGTERM"),
);
scenario(
  "rotate_interrupted_verifying_by_sighup",
  interruptedBy("rotate_interrupted_verifying", "SIGHUP"),
);
scenario(
  "rotate_interrupted_deleting_by_sighup",
  interruptedBy("rotate_interrupted_deleting", "SIGHUP"),
);

scenario("rotate_interrupted_guarding", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  setup.fake.hang(`${API}/guardrails`, "POST");
  setup.interruptOn = ["POST", `${API}/guardrails`];
  setup.interruptWith = "SIGTERM";
});

// A login --force writes another key while the successor is being checked.
scenario("rotate_file_changed_meanwhile", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  setup.existingKey();
  const theirs = setup.fake.addKey(undefined, { name: "from-login" });
  setup.fake.before("GET", `${API}/key`, () => {
    writeFileSync(setup.envFile(), `OPENROUTER_API_KEY=${theirs}\n`);
  });
  setup.check = () => {
    assert.equal(savedKey(setup.envFile()), theirs, "what login wrote must stay");
    assert.ok(setup.fake.keys.has(setup.oldKey), "the old key is not deleted");
    assert.equal(setup.fake.deletedKeys.length, 1);
    assert.ok(![theirs, setup.oldKey].includes(setup.fake.deletedKeys[0] ?? ""));
  };
});

/** A workspace other than the account's default one. */
const OTHER_WORKSPACE = "0df9e665-d932-5740-b2c7-b52af166bc11";

scenario("rotate_keeps_the_place", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const place = {
    workspace_id: OTHER_WORKSPACE,
    include_byok_in_limit: true,
    limit_reset: "weekly",
  };
  setup.existingKey("development", place);
  setup.check = () => {
    assert.ok(!setup.fake.keys.has(setup.oldKey), "the old key was not deleted");
    const [body] = setup.posted();
    assert.deepEqual(
      Object.fromEntries(Object.keys(place).map((name) => [name, body?.[name]])),
      place,
    );
    assert.equal(guardrailOf(setup).workspace_id, OTHER_WORKSPACE, "guarded where the key is");
  };
});

scenario("list_finds_keys_in_every_workspace", (setup) => {
  setup.pointAtFake();
  setup.managementKey();
  const here = setup.existingKey();
  setup.fake.addWorkspace(OTHER_WORKSPACE);
  const name = `${setup.project.slug}-staging-20260101`;
  const there = setup.fake.addKey(undefined, { name, workspace_id: OTHER_WORKSPACE });
  setup.check = (out) => {
    const rows = (JSON.parse(out) as { keys: Json[] }).keys;
    const listed = rows.map((row) => String(row.hash)).sort();
    assert.deepEqual(listed, [keyHash(here), keyHash(there)].sort());
  };
});

// --- login --------------------------------------------------------------------------

/** The browser ended on the success page; the key follows the policy. */
function signedIn(setup: Setup, environment: string, limit: number): void {
  assert.match(setup.pages.at(-1) ?? "", /Signed in to OpenRouter/);
  const label = `${setup.project.slug}-${environment}`;
  const made = [...setup.fake.keys.values()].filter((record) => record.label === label);
  assert.equal(made.length, 1);
  assert.equal(made[0]?.limit, limit);
  const auth = setup.fake.requests.filter((request) => request.path.startsWith("/auth?"));
  assert.equal(auth.length, 1);
  const query = new URL(auth[0]?.path ?? "", "http://fake").searchParams;
  assert.equal(query.get("key_label"), label);
  assert.equal(query.get("limit"), String(limit));
  assert.ok(query.get("callback_url")?.startsWith("http://127.0.0.1:"));
  // The policy as far as the /auth page takes it: a monthly reset, production's expiry.
  assert.equal(query.get("usage_limit_type"), "monthly");
  assert.equal(made[0]?.limit_reset, "monthly");
  if (environment === "production") {
    assert.ok((query.get("expires_at") ?? "") > "2026");
    assert.equal(made[0]?.expires_at, query.get("expires_at"));
  } else {
    assert.equal(query.get("expires_at"), null);
    assert.equal(made[0]?.expires_at, null);
  }
}

scenario("approve", (setup) => {
  setup.pointAtFake();
  setup.browse = setup.approve;
  setup.check = () => signedIn(setup, "development", 10);
});

scenario("approve_with_limit", (setup) => {
  setup.pointAtFake();
  setup.browse = setup.approve;
  setup.check = () => signedIn(setup, "staging", 20);
});

scenario("production_without_limit", (setup) => {
  setup.pointAtFake();
});

scenario("headless", (setup) => {
  setup.pointAtFake();
  setup.browse = (url, user) => setup.pasteCode(url, user);
  setup.check = () => {
    const auth = setup.fake.requests.find((request) => request.path.startsWith("/auth?"));
    assert.ok(!auth?.path.includes("callback_url"), auth?.path);
  };
});

scenario("headless_code_with_control_characters", (setup) => {
  setup.pointAtFake();
  setup.browse = (url, user) => setup.pasteCode(url, user, "\x1b[2J");
});

scenario("headless_without_a_code", (setup) => {
  setup.pointAtFake();
  setup.browse = async (_url, user) => user.type("");
});

function failedPage(setup: Setup): void {
  assert.match(setup.pages.at(-1) ?? "", /Sign-in did not complete/);
  assert.ok(!(setup.pages.at(-1) ?? "").includes("\x1b"));
}

scenario("denied", (setup) => {
  setup.pointAtFake();
  setup.fake.authError = "access_denied";
  setup.browse = setup.approve;
  setup.check = () => failedPage(setup);
});

scenario("denied_with_escape_sequences", (setup) => {
  setup.pointAtFake();
  const description = encodeURIComponent("\x1b]0;pwned\x07\x1b[31msign-in refused\x1b[0m\u202e");
  setup.browse = async (url) => {
    await setup.open(`${callbackUrl(url)}?error=access_denied&error_description=${description}`);
  };
  setup.check = () => failedPage(setup);
});

scenario("stray_requests_are_ignored", (setup) => {
  setup.pointAtFake();
  setup.browse = async (url, user) => {
    const callback = callbackUrl(url);
    const origin = new URL(callback).origin;
    for (const stray of [callback, `${callback}?utm_source=scan`, `${origin}/favicon.ico`]) {
      assert.match(await setup.open(stray), /sign-in callback/);
    }
    await setup.approve(url);
    void user;
  };
  setup.check = () => signedIn(setup, "development", 10);
});

scenario("an_idle_connection_does_not_stall", (setup) => {
  setup.pointAtFake();
  const idle: Socket[] = [];
  setup.browse = async (url) => {
    const callback = new URL(callbackUrl(url));
    // A browser's preconnect, a port scan: connected, and never a byte.
    const socket = connect(Number(callback.port), callback.hostname);
    idle.push(socket);
    await new Promise((resolve) => socket.once("connect", resolve));
    await setup.approve(url);
  };
  setup.check = () => signedIn(setup, "development", 10);
  setup.cleanup = () => {
    for (const socket of idle) {
      socket.destroy();
    }
  };
});

scenario("exchange_refused", (setup) => {
  setup.pointAtFake();
  setup.fake.respond(`${API}/auth/keys`, 403, { error: "Invalid code or code_verifier" });
  setup.browse = setup.approve;
  setup.check = () => failedPage(setup);
});

scenario("no_browser_available", (setup) => {
  setup.pointAtFake();
  setup.env.BROWSER = "false";
  setup.browse = async (url, user) => {
    await user.waitFor("by hand"); // it says so, and keeps waiting
    await setup.approve(url);
  };
});

scenario("an_existing_key_is_kept", (setup) => {
  setup.pointAtFake();
  setup.existingKey();
});

scenario("env_file_is_a_directory", (setup) => {
  setup.pointAtFake();
  mkdirSync(setup.envFile());
});

scenario("env_file_is_read_only", (setup) => {
  setup.pointAtFake();
  writeFileSync(setup.envFile(), "# kept as it is\n");
  chmodSync(setup.envFile(), 0o444);
});

scenario("directory_is_read_only", (setup) => {
  setup.pointAtFake();
  chmodSync(setup.directory, 0o555);
  setup.cleanup = () => chmodSync(setup.directory, 0o755);
});

scenario("timeout", (setup) => {
  setup.pointAtFake();
});

scenario("exchange_refused_with_escape_sequences", (setup) => {
  setup.pointAtFake();
  const hostile = "Invalid code\x1b]0;owned\x07\u202e";
  setup.fake.respond(`${API}/auth/keys`, 403, { error: hostile });
  setup.browse = setup.approve;
  setup.check = () => failedPage(setup);
});

/** The status a request gets, sent as given (any method, any Host header). */
function statusOf(url: string, method = "GET", host?: string): Promise<number> {
  const { promise, resolve, reject } = Promise.withResolvers<number>();
  const headers = host ? { Host: host } : {};
  const sent = httpRequest(url, { method, headers, timeout: PATIENCE_MS }, (response) => {
    response.resume();
    resolve(response.statusCode ?? 0);
  });
  sent.on("error", reject);
  sent.end();
  return promise;
}

scenario("callback_takes_only_its_own_request", (setup) => {
  setup.pointAtFake();
  const answers: number[] = [];
  setup.browse = async (url) => {
    const callback = callbackUrl(url);
    const { origin, pathname, port } = new URL(callback);
    assert.ok(pathname.startsWith("/callback/") && pathname.length > 20, callback);
    const stolen = `${callback}?code=stolen`;
    answers.push(await statusOf(stolen, "POST"));
    answers.push(await statusOf(stolen, "PUT"));
    answers.push(await statusOf(stolen, "GET", `evil.example:${port}`));
    answers.push(await statusOf(stolen, "GET", `localhost:${port}`));
    answers.push(await statusOf(`${origin}/callback?code=stolen`));
    answers.push(await statusOf(`${callback}x?code=stolen`));
    await setup.approve(url);
  };
  setup.check = () => {
    assert.deepEqual(answers, [404, 404, 404, 404, 404, 404]);
    signedIn(setup, "development", 10);
  };
});

scenario("headless_line_too_long", (setup) => {
  setup.pointAtFake();
  setup.browse = async (_url, user) => user.type("x".repeat(5000));
});

scenario("exchange_trickled", (setup) => {
  setup.pointAtFake();
  setup.fake.trickle(`${API}/auth/keys`, "POST");
  setup.browse = setup.approve;
  setup.check = () => failedPage(setup);
});

scenario("approve_with_an_exported_key_file", (setup) => {
  setup.pointAtFake();
  setup.browse = setup.approve;
  exportedKeyFile(setup);
});

scenario("approve_with_an_exported_key", (setup) => {
  setup.pointAtFake();
  setup.browse = setup.approve;
  exportedKey(setup);
});

scenario("save_fails_after_the_exchange", (setup) => {
  setup.pointAtFake();
  setup.browse = async (url) => {
    mkdirSync(setup.envFile()); // after the check that it could be written
    await setup.approve(url);
  };
  setup.check = () => failedPage(setup);
});

scenario("the_browser_gets_no_key", (setup) => {
  setup.pointAtFake();
  const seen = join(setup.directory, "browser-env");
  const browser = join(setup.directory, "browser.sh");
  writeFileSync(browser, `#!/bin/sh\nenv > '${seen}.part' && mv '${seen}.part' '${seen}'\n`);
  chmodSync(browser, 0o755);
  setup.env.BROWSER = browser;
  setup.managementKey();
  setup.env.OPENROUTER_API_KEY = setup.fake.addKey(undefined, { limit: 5.0 });
  setup.browse = async (url) => {
    for (let waited = 0; !existsSync(seen) && waited < PATIENCE_MS; waited += 50) {
      await sleep(50);
    }
    await setup.approve(url);
  };
  setup.check = () => {
    const environment = readFileSync(seen, "utf8");
    assert.ok(!environment.includes("OPENROUTER_MANAGEMENT_KEY"));
    assert.ok(!environment.includes("OPENROUTER_API_KEY="));
    const keys = Object.values(setup.env).filter((value) => value.startsWith("sk-or-v1-"));
    assert.ok(keys.length > 0 && !keys.some((key) => environment.includes(key)));
  };
});

scenario("approve_says_where_the_environment_came_from", (setup) => {
  setup.pointAtFake();
  setup.browse = setup.approve;
  setup.check = () => signedIn(setup, "development", 10);
});

scenario("approve_production", (setup) => {
  setup.pointAtFake();
  setup.browse = setup.approve;
  setup.check = () => signedIn(setup, "production", 100);
});

// --- playing a scenario, and what every one must show afterwards ----------------------

/** The env file as it is: its text, "directory", or null when there is none. */
function snapshot(path: string): string | null {
  if (!existsSync(path)) {
    return null;
  }
  return statSync(path).isDirectory() ? "directory" : readFileSync(path, "latin1");
}

/** The key the env file holds, or "". */
function savedKey(path: string): string {
  if (!existsSync(path) || statSync(path).isDirectory()) {
    return "";
  }
  return parseEnv(readFileSync(path, "utf8")).OPENROUTER_API_KEY ?? "";
}

/** Play a scenario: set it up, run its command as a user would, check the row. */
export async function play(t: TestContext, found: Scenario): Promise<void> {
  const fake = await startFake(t);
  const setup = new Setup(PROJECT, fake, projectDirectory(t));
  found.prepare(setup);
  try {
    const before = snapshot(setup.envFile(found.environment));
    const command = new Command(found.program, found.args, {
      cwd: setup.directory,
      env: setup.env,
    });
    if (setup.interruptOn !== null) {
      const [method, path] = setup.interruptOn;
      const deadline = Date.now() + PATIENCE_MS;
      while (!setup.received(method, path) && Date.now() < deadline) {
        await sleep(5);
      }
      command.kill(setup.interruptWith);
    }
    if (setup.browse !== null) {
      await setup.browse(await command.stderrLine(/^https?:\/\//), command);
    }
    command.endInput();
    const ran = await command.exited;
    assertOutcome(found, setup, ran.status, ran.stdout, ran.stderr, before);
  } finally {
    setup.cleanup?.();
  }
}

function assertOutcome(
  found: Scenario,
  setup: Setup,
  status: number | null,
  out: string,
  err: string,
  before: string | null,
): void {
  const printed = out + err;
  assert.equal(status, found.exitCode, printed);
  assert.ok(printed.includes(found.phrase), printed);
  const secrets = [...setup.fake.keys.keys(), ...Object.values(setup.env), setup.oldKey];
  const leaked = secrets.filter((key) => key.startsWith("sk-or-v1-") && printed.includes(key));
  assert.deepEqual(leaked, [], "a key was printed");
  assert.ok(!err.includes("    at ") && !err.includes("Traceback"), err);
  assert.ok(
    !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(printed.replaceAll(/[\n\t]/g, "")),
    `control characters reached the terminal: ${JSON.stringify(printed)}`,
  );
  if (found.exitCode === 2) {
    assert.deepEqual(
      setup.fake.paths(),
      [],
      "a usage or configuration problem stops before OpenRouter",
    );
    assert.ok(!printed.includes("/auth?"), "no sign-in URL for a problem found before it");
  }
  const management = setup.env[MANAGEMENT_KEY];
  for (const request of setup.fake.requests) {
    if (management && request.headers.authorization === `Bearer ${management}`) {
      assert.ok(
        ["keys", "guardrails", "workspaces"].some((api) =>
          request.path.startsWith(`${API}/${api}`),
        ),
        `management key sent to ${request.path}`,
      );
    }
  }
  const left = readdirSync(setup.directory).filter((name) => name.toLowerCase().includes("tmp"));
  assert.deepEqual(left, [], "temporary files left behind");

  const path = setup.envFile(found.environment);
  const key = savedKey(path);
  const record = setup.fake.keys.get(key);
  const works = record !== undefined && !record.disabled;
  if (found.after === "unchanged") {
    assert.equal(snapshot(path), before, "the env file changed");
  } else if (found.after === "none") {
    assert.equal(key, "", "the env file holds a key");
  } else if (found.after === "old") {
    assert.ok(key === setup.oldKey && works, "the env file must hold the old, working key");
  } else {
    assert.ok(key && key !== setup.oldKey && works, "the env file must hold a new, working key");
  }
  setup.check?.(out);
}
