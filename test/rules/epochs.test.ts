import { describe, expect, it } from 'vitest';
import { raisedEpochs } from '../../src/rules/epochs.js';

describe('raisedEpochs', () => {
  it('raises each named kind to the later of the request and the newest session, and always past its epoch', () => {
    const facts = { epochs: new Map([['browser', 500], ['api', 50], ['remember', 99]]), highWater: new Map([['browser', 300], ['api', 900], ['remember', 80]]) };
    expect({ ...raisedEpochs(facts, ['browser', 'api', 'remember', 'new'], 100) }).toEqual({ browser: 501, api: 900, remember: 100, new: 100 });
  });

  it('with every stored kind, adds each kind with a mark to those named; an epoch alone (a kind no session was stored of, a typo) is no kind', () => {
    const facts = { epochs: new Map([['kiosks', 50]]), highWater: new Map([['mobile', 900]]) };
    expect({ ...raisedEpochs(facts, ['browser'], 100) }).toEqual({ browser: 100 });
    expect({ ...raisedEpochs(facts, ['browser'], 100, true) }).toEqual({ browser: 100, mobile: 900 });
  });

  it('keeps text keys as data', () => {
    const raised = raisedEpochs({ epochs: new Map(), highWater: new Map() }, ['__proto__', 'constructor'], 7);
    expect(Object.getPrototypeOf(raised)).toBeNull();
    expect(Object.keys(raised)).toEqual(['__proto__', 'constructor']);
  });
});
