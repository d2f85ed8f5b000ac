// Bolt's App with two measurements at the only place every request passes: processEvent. Counting
// requests by kind and timing the ack here covers events (which Bolt acks itself), commands and
// clicks alike, without a listener having to remember to do it.
import { App, type AppOptions, type ReceiverEvent } from '@slack/bolt';
import { FOLLOW_UP } from './middleware/ack-first';
import { requestKind } from './middleware/dedupe';
import type { AppMetrics } from './metrics';

/** A Bolt App that records request counts and ack latency into AppMetrics. */
export class MeasuredApp extends App {
  constructor(options: AppOptions, private readonly appMetrics: AppMetrics) {
    super(options);
  }

  override async processEvent(event: ReceiverEvent): Promise<void> {
    // The second pass of a request (see middleware/ack-first.ts) was counted and acked in its first.
    if (event.customProperties?.[FOLLOW_UP] === true) return super.processEvent(event);
    const kind = requestKind(event.body);
    this.appMetrics.requests.inc({ kind });
    const started = performance.now();
    let acked = false;
    // Idempotent: ackFirst acks commands and clicks before the listener runs, and the listener's own
    // `await ack()` must then be a no-op rather than the receiver's "multiple acks" error.
    const ack: ReceiverEvent['ack'] = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      this.appMetrics.ackSeconds.observe({ kind }, (performance.now() - started) / 1000);
      return event.ack(response);
    };
    return super.processEvent({ ...event, ack });
  }
}
