import type { Logger } from "./logger.ts";

/** Undoes start-up in reverse order, whether start-up finished or failed half-way. */
export class Teardown {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];
  private running?: Promise<void>;

  constructor(private readonly logger: Logger) {}

  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  /** Runs once: a step may itself ask to stop (closing the terminal chat does), which must not start a second teardown. */
  run(): Promise<void> {
    if (!this.running) {
      const steps = this.steps.splice(0).reverse();
      this.running = Promise.resolve().then(() => this.runSteps(steps));
    }
    return this.running;
  }

  private async runSteps(steps: { name: string; run: () => Promise<void> | void }[]): Promise<void> {
    for (const step of steps) {
      try {
        this.logger.debug({ step: step.name }, "stopping");
        await step.run();
      } catch (error) {
        this.logger.warn({ err: error, step: step.name }, "shutdown step failed");
      }
    }
  }
}
