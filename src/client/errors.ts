/**
 * Failures of a call that the client can explain to the agent itself: each carries the message and the hint of
 * its tool result, and whether anything reached GHL.
 */
export class CallFailedError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    /** False when no request left for GHL: the agent knows nothing happened there. */
    readonly sent: boolean,
  ) {
    super(message);
  }
}

/** The resource's daily GHL budget is spent; nothing is sent until it resets. */
export class DailyBudgetError extends CallFailedError {
  constructor(
    readonly resource: string,
    readonly dailyMax: number | undefined,
    readonly resetsAt: number,
  ) {
    const resets = new Date(resetsAt).toISOString();
    const hours = Math.max(0, (resetsAt - Date.now()) / 3_600_000);
    super(
      `The daily GHL API budget for ${resource}${dailyMax ? ` (${dailyMax} requests)` : ''} is spent; it resets at ${resets} (in about ${hours < 1 ? `${Math.ceil(hours * 60)} minutes` : `${hours.toFixed(1)} hours`}). The call was not carried out.`,
      `Wait until ${resets}, or work on another location. Calls for other locations are not affected.`,
      false,
    );
  }
}

/** The caller cancelled the call (MCP notifications/cancelled): queued calls are dropped, sent ones aborted. */
export class CallCancelledError extends CallFailedError {
  constructor(sent: boolean) {
    super(
      sent ? 'The call was cancelled while its request to GHL was under way.' : 'The call was cancelled before anything was sent to GHL.',
      sent ? 'Check whether the change happened before calling again.' : 'Call again if it is still needed.',
      sent,
    );
  }
}

/** The call's overall deadline passed: waiting for the rate limit, retrying, or waiting for GHL. */
export class CallDeadlineError extends CallFailedError {
  constructor(deadlineMs: number, sent: boolean, safeToRepeat: boolean) {
    super(
      sent
        ? `GHL did not answer within the call's deadline of ${deadlineMs} ms.`
        : `The call waited ${deadlineMs} ms for its turn under GHL's rate limit and was not sent.`,
      !sent || safeToRepeat
        ? 'Try again in a moment; fewer calls at once for this location will get through sooner.'
        : 'Check whether the change happened before trying again.',
      sent,
    );
  }
}

/** The call's deadline passed while it waited for credentials: a token refresh here or in another process. */
export class AuthPendingError extends CallFailedError {
  constructor(deadlineMs: number) {
    super(
      `GHL authentication is being refreshed (by this server or another sharing its token store) and was not ready within the call's deadline of ${deadlineMs} ms.`,
      'Try again in a few seconds. If this keeps happening, a refresh is stuck: check the logs of every server sharing the token store.',
      false,
    );
  }
}
