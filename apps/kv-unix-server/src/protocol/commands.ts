/** The operations `calculate` accepts. */
export type CalculateOperation = 'add' | 'subtract' | 'multiply' | 'divide' | 'power' | 'modulo';

/** The operation names, in documentation order. */
export const CALCULATE_OPERATIONS: CalculateOperation[] = [
  'add',
  'subtract',
  'multiply',
  'divide',
  'power',
  'modulo',
];

/** The documentation `help` returns for one command. */
export interface CommandHelp {
  description: string;
  parameters: Record<string, string>;
}
