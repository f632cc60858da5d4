export {
  Lambda,
  lambda,
  type LambdaArgs,
  type LambdaContext,
  type LambdaFunction,
  type LambdaInputs,
  type LambdaMaskFunction,
  type LambdaMasks,
  type LambdaOutputShapeFunction,
  type SavedFunction,
} from './lambda.js';
