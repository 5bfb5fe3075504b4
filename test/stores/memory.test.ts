import { memoryStore } from '../../src/stores/memory.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';

describeStoreConformance('memory', () => memoryStore(), { runner: vitestRunner });
