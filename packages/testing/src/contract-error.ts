/** Thrown by every contract check; any test runner reports it as a failure. */
export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}
