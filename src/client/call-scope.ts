/**
 * One call from the agent's side: the caller's cancellation and the call's deadline as one signal, and what the
 * call was doing when it ended (waiting for credentials, waiting for its turn, or sent), so the result can say so.
 */
export class CallScope {
  readonly signal: AbortSignal;
  readonly endsAt: number;
  /** Some attempt may have reached GHL. */
  reached = false;
  /** The HTTP method of the request, once known: whether repeating it is safe. */
  method = 'GET';
  private waitingForCredentials = false;
  private deadlinePassed = false;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onCancel: () => void;

  constructor(
    readonly deadlineMs: number,
    private readonly caller?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    this.endsAt = Date.now() + deadlineMs;
    this.timer = setTimeout(() => {
      this.deadlinePassed = true;
      this.controller.abort(new Error('call deadline passed'));
    }, deadlineMs);
    this.onCancel = () => this.controller.abort(caller?.reason);
    if (caller?.aborted) this.onCancel();
    caller?.addEventListener('abort', this.onCancel, { once: true });
  }

  get cancelled(): boolean {
    return this.caller?.aborted === true;
  }

  get timedOut(): boolean {
    return this.deadlinePassed;
  }

  /** The call ended while it waited for a token (a refresh under way here or in another process). */
  get stoppedForCredentials(): boolean {
    return this.waitingForCredentials;
  }

  /**
   * Waits for credentials within the call: the wait ends at the deadline or on cancellation even when whatever
   * produces them (a refresh shared with other calls, another process's lock) goes on.
   */
  async credentials<T>(produce: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.signal.throwIfAborted();
    this.waitingForCredentials = true;
    let onAbort!: () => void;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(this.signal.reason);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([produce(this.signal), aborted]);
    } finally {
      this.signal.removeEventListener('abort', onAbort);
      if (!this.signal.aborted) this.waitingForCredentials = false;
    }
  }

  /** Releases the timer and the listener: nothing outlives the call. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCancel);
  }
}
