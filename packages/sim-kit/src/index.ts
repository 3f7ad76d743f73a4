export { applyFault, answerResponse, type Fault, type FaultAnswer, type FaultEffects, FaultPlan, type FaultRequest, type FaultSpec, FaultSpecError, faultSpecSchema } from "./faults.ts";
export { type LoggedRequest, type RequestFilter, RequestLog } from "./requests.ts";
export { CONTROL_PREFIX, type ControlApiOptions, type ControlInput, type ControlMethod, type ControlRoute, controlRoute, createControlApi, mountControlApi } from "./control.ts";
export {
  clientIp,
  createStandIn,
  dropConnection,
  listen,
  type ListenOptions,
  type Listening,
  nodeResponse,
  randomControlToken,
  serveStandIn,
  type StandIn,
  type StandInCore,
  type StandInOptions,
} from "./server.ts";
export { type CliDefinition, type CliIo, type CliOption, type CliStandIn, CliUsageError, type CliValues, type CommonCliValues, envOf, flagOf, parseCli, runCli, startedText, usage } from "./cli.ts";
