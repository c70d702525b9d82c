/**
 * @module core/instances/reconcile-trigger
 * How the parts that record intent (API calls, the scheduler, the queue) tell the reconciler that
 * an instance's status now needs work.
 */
export interface ReconcileTrigger {
  wake(instanceId: string): void;
}
