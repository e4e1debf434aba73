/**
 * Deploy-time validation: a workflow the runner could not run faithfully is rejected when it is
 * created, with a message that names the step; and every workflow the project ships under
 * `workflows/` deploys, so CI proves the project uses only what the runner implements.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkflowsRunner, type WorkflowsRunner } from '../../dev/workflows-runner/api-server.js';
import { createLocalWorkflowsClient } from '../../dev/workflows-runner/client.js';
import { JumpingClock, PARENT, deploy } from './helpers.js';

/** An expression of exactly `length` characters as written, `${"aaa…"}`, delimiters included. */
const expressionOf = (length: number): string => `\${"${'a'.repeat(length - 5)}"}`;

const rejected: { name: string; source: string; message: RegExp }[] = [
  {
    name: 'a jump to an unknown step',
    source: '- first:\n    next: nowhere\n- second:\n    return: 1\n',
    message: /step "first".*unknown step "nowhere"/,
  },
  {
    name: 'a call of an unknown subworkflow',
    source: 'main:\n  steps:\n    - go:\n        call: not_defined\n',
    message: /step "go".*unknown function or subworkflow "not_defined"/,
  },
  {
    name: 'an unknown function in a call step',
    source: '- fetch_it:\n    call: http.fetch\n    args:\n      url: http://x\n',
    message: /step "fetch_it".*"http.fetch"/,
  },
  {
    name: 'an unknown function in an expression',
    source: '- compute:\n    assign:\n      - x: ${math.cosh(1)}\n',
    message: /step "compute".*unknown function "math.cosh"/,
  },
  {
    name: 'a connector the runner does not implement',
    source: '- create_doc:\n    call: googleapis.firestore.v1.projects.databases.documents.createDocument\n',
    message: /step "create_doc".*connector/,
  },
  {
    name: 'an unsupported construct',
    source: '- odd:\n    wait_for: 5\n',
    message: /step "odd".*unsupported construct "wait_for"/,
  },
  {
    name: 'a waiting function inside an expression',
    source: '- sneaky:\n    assign:\n      - r: ${http.get("http://x")}\n',
    message: /step "sneaky".*only be used in a call step/,
  },
  {
    name: 'a malformed expression',
    source: '- broken:\n    return: ${1 +}\n',
    message: /step "broken".*invalid expression/,
  },
  {
    name: 'an argument the function does not take',
    source: '- nap:\n    call: sys.sleep\n    args:\n      minutes: 5\n',
    message: /step "nap".*no argument "minutes"/,
  },
  {
    name: 'a missing required subworkflow argument',
    source: 'main:\n  steps:\n    - go:\n        call: sub\n        args: {}\nsub:\n  params: [needed]\n  steps:\n    - r:\n        return: ${needed}\n',
    message: /step "go".*needs argument "needed"/,
  },
  {
    name: 'break outside a loop',
    source: '- escape:\n    next: break\n',
    message: /step "escape".*only allowed inside a for loop/,
  },
  {
    name: 'a jump out of a for loop',
    source: '- loop:\n    for:\n      value: v\n      in: [1]\n      steps:\n        - out:\n            next: after\n- after:\n    return: 1\n',
    message: /step "out".*jumps out of a for loop/,
  },
  {
    name: 'two steps with the same name',
    source: '- same:\n    assign:\n      - x: 1\n- same:\n    return: 1\n',
    message: /step "same".*duplicate step name/,
  },
  {
    name: 'a step combining two kinds',
    source: '- both:\n    assign:\n      - x: 1\n    return: 2\n',
    message: /step "both".*cannot combine assign and return/,
  },
  {
    name: 'an unknown retry predicate',
    source: '- t:\n    try:\n      call: sys.sleep\n      args:\n        seconds: 1\n    retry:\n      predicate: ${no_such_predicate}\n      max_retries: 1\n',
    message: /step "t".*retry predicate/,
  },
  {
    name: 'a custom retry policy without a predicate',
    source: '- t:\n    try:\n      call: sys.sleep\n      args:\n        seconds: 1\n    retry:\n      max_retries: 3\n      backoff:\n        initial_delay: 1\n        max_delay: 10\n        multiplier: 2\n',
    message: /^(?!.*undefined).*step "t".*a custom retry policy needs "predicate".*\$\{http\.default_retry_predicate\}/,
  },
  {
    name: 'an unsupported parallel exception policy',
    source:
      '- p:\n    parallel:\n      exception_policy: stopAll\n      branches:\n        - a:\n            steps:\n              - x:\n                  return: 1\n        - b:\n            steps:\n              - y:\n                  return: 1\n',
    message: /step "p".*continueAll/,
  },
  {
    name: 'an expression over the documented limit of 400 characters',
    source: `- long:\n    return: ${expressionOf(401)}\n`,
    message: /step "long".*an expression is 401 characters long, over the documented limit of 400/,
  },
  {
    name: 'an over-long expression deep in call arguments',
    source: `- log_it:\n    call: sys.log\n    args:\n      data:\n        nested:\n          - 1\n          - ${expressionOf(450)}\n`,
    message: /step "log_it".*450 characters long/,
  },
  {
    name: 'an over-long switch condition written over several lines',
    source: `- pick:\n    switch:\n      - condition: \${1 ==\n          ${'1 + '.repeat(100)}0}\n        next: end\n`,
    message: /step "pick".*characters long, over the documented limit of 400/,
  },
  {
    name: 'a source without main',
    source: 'helper:\n  steps:\n    - r:\n        return: 1\n',
    message: /no "main"/,
  },
];

describe('deploy-time validation', () => {
  let runner: WorkflowsRunner;
  beforeAll(async () => {
    runner = await startWorkflowsRunner({ clock: new JumpingClock(), log: () => {} });
  });
  afterAll(() => runner.close());

  rejected.forEach((c, i) => {
    it(`rejects ${c.name}, naming the step`, async () => {
      const out = await deploy(runner.url, `bad-${i}`, c.source);
      expect(out.status).toBe(400);
      const error = out.body.error as { status: string; message: string };
      expect(error.status).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(c.message);
    });
  });

  it('accepts an expression of exactly 400 characters', async () => {
    expect(expressionOf(400)).toHaveLength(400);
    const out = await deploy(runner.url, 'long-400', `- r:\n    return: ${expressionOf(400)}\n`);
    expect(out.status, JSON.stringify(out.body)).toBe(200);
  });

  it('accepts a workflow using every step kind', async () => {
    const source = `
main:
  params: [args]
  steps:
    - init:
        assign:
          - items: [1, 2]
          - shared_total: 0
    - loop:
        for:
          value: v
          in: \${items}
          steps:
            - maybe:
                switch:
                  - condition: \${v == 2}
                    next: continue
    - par:
        parallel:
          shared: [shared_total]
          branches:
            - a:
                steps:
                  - add_a:
                      assign:
                        - shared_total: \${shared_total + 1}
            - b:
                steps:
                  - add_b:
                      assign:
                        - shared_total: \${shared_total + 1}
    - guarded:
        try:
          call: helper
          args:
            x: 1
          result: h
        retry: \${http.default_retry}
        except:
          as: e
          steps:
            - fail:
                raise: \${e}
    - done:
        return: \${h + shared_total}
helper:
  params: [x, y: 2]
  steps:
    - r:
        return: \${x + y}
`;
    expect((await deploy(runner.url, 'all-kinds', source)).status).toBe(200);
  });

  describe('the project\'s workflows under workflows/', () => {
    const dir = join(import.meta.dirname, '..', '..', 'workflows');
    const files = readdirSync(dir).filter((f) => f.endsWith('.workflows.yaml'));

    it('include the partner escalation (so an empty or moved directory cannot pass unnoticed)', () => {
      expect(files).toContain('partner-escalation.workflows.yaml');
    });

    for (const file of files) {
      it(`${file} deploys through the official WorkflowsClient`, async () => {
        const workflows = createLocalWorkflowsClient(runner.url);
        try {
          const workflowId = file.replace(/\.workflows\.yaml$/, '');
          const [op] = await workflows.createWorkflow({ parent: PARENT, workflowId, workflow: { sourceContents: readFileSync(join(dir, file), 'utf8') } });
          const [created] = await op.promise();
          expect(created.name).toBe(`${PARENT}/workflows/${workflowId}`);
        } finally {
          await workflows.close();
        }
      });
    }
  });
});
