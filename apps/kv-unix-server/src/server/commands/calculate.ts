import { KvErrorCode, ProtocolError } from '@sockworks/error-codes';
import { CALCULATE_OPERATIONS, type CalculateOperation } from '../../protocol/commands.js';
import { requireNumber, requireString } from './params.js';
import type { CommandDefinition } from './registry.js';

/** Floored modulo, as the Python server computed it: the result has the sign of the divisor. */
function pythonModulo(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

const OPERATIONS = {
  add: (a: number, b: number) => a + b,
  subtract: (a: number, b: number) => a - b,
  multiply: (a: number, b: number) => a * b,
  divide: (a: number, b: number) => a / b,
  power: (a: number, b: number) => a ** b,
  modulo: pythonModulo,
} as const satisfies Record<CalculateOperation, (a: number, b: number) => number>;

function isOperation(name: string): name is CalculateOperation {
  return Object.hasOwn(OPERATIONS, name);
}

/** Applies an operation; throws MATH_ERROR for a zero divisor or any non-finite result (never eval). */
export function calculate(operation: CalculateOperation, a: number, b: number): number {
  if ((operation === 'divide' || operation === 'modulo') && b === 0) {
    throw new ProtocolError(KvErrorCode.MATH_ERROR, 'Division by zero or invalid operation');
  }
  const result = OPERATIONS[operation](a, b);
  if (!Number.isFinite(result)) {
    throw new ProtocolError(KvErrorCode.MATH_ERROR, 'Result is not a finite number');
  }
  // -0 would serialise as 0 anyway; normalise so programmatic callers see the same value.
  return result === 0 ? 0 : result;
}

/** `calculate`: arithmetic on two numbers. */
export const calculateCommand: CommandDefinition = {
  description: 'Perform arithmetic operations',
  parameters: {
    operation: `string - one of ${CALCULATE_OPERATIONS.join(', ')}`,
    a: 'number - first operand',
    b: 'number - second operand',
  },
  handler(data) {
    const operation = requireString(data, 'operation');
    if (!isOperation(operation)) {
      throw new ProtocolError(
        KvErrorCode.INVALID_OPERATION,
        `Unknown operation; expected one of: ${CALCULATE_OPERATIONS.join(', ')}`,
      );
    }
    const a = requireNumber(data, 'a');
    const b = requireNumber(data, 'b');
    return { operation, a, b, result: calculate(operation, a, b) };
  },
};
