// The fault model: which faults fake-oss can inject, where in a request they hit, what the
// server has stored afterwards, and what a correct resumable-upload client must do about it.
//
// The injector (injector.h) only decides; fake-oss carries the action out at one of four hook
// points in a request's life, and writes the firing to its journal next to the request. Each
// action's hook, server effect and client duty are columns of its row in kActions
// (actions.h); the zones below explain them, with the first actions of each kind:
//
//   1. before the operation runs   error, reset (afterBytes = 0), stall, expire-upload, restart
//   2. while reading the body      reset (afterBytes = N), stall (afterBytes = N)
//   3. after the effect, before    drop-response, corrupt-checksum, corrupt-etag
//      the response is written
//   4. while writing the response  truncate-response
//
// Zone by zone:
//
// Request side (hooks 1 and 2). `reset` closes the connection with an RST after N request
// body bytes; `error` answers with an OSS error document instead of running the operation;
// `stall` pauses and then carries on normally. None of these stores anything: after a reset
// at byte 65536 of part 3, ListParts does not show part 3. A correct client must survive all
// of them: a reset is a ConnectionError, and errors with a retryable code (5xx, SlowDown,
// RequestTimeout, RequestTimeTooSkewed after correcting the clock; protocol::IsRetryable) are
// retried with backoff. A non-retryable code (AccessDenied, InvalidPart, ...) must surface to
// the caller as that error, not be retried forever. A stall must not be mistaken for a
// failure unless it outlasts the client's own timeout, which is then a ConnectionError.
//
// Effect done, answer lost (hooks 3 and 4). `drop-response` performs the operation (the part
// is stored, the upload is completed, the object is written) and then resets the connection;
// `truncate-response` sends the status line, the headers and N body bytes, then closes. The
// client sees a failure although the effect happened: the indeterminate outcome, the case
// resumable uploads most often get wrong. A correct client must survive both: re-uploading a
// part is idempotent (same bytes, same ETag); after a lost CompleteMultipartUpload the retry
// gets NoSuchUpload, and the client must then check the object (HeadObject: size, CRC64)
// rather than report failure or start over blindly.
//
// Wrong answer (hook 3). `corrupt-checksum` performs the operation but returns a wrong
// x-oss-hash-crc64ecma (and ETag). The stored bytes are right; the report is not. A correct
// client must detect it (ChecksumMismatch) and never report success on an unverified
// checksum; re-sending a part then fixes it. `corrupt-etag` changes only the ETag: a client
// that checks the CRC-64 alone would record, and later name in Complete, an ETag the server
// never gave the part; it must compare the ETag with the MD5 of what it sent.
//
// Upload state (hook 1). `expire-upload` makes the request's upload vanish before it is
// served, as if a lifecycle rule had aborted it: this request and every later one naming that
// upload id get NoSuchUpload, and the parts are gone. No client can survive that by retrying:
// the right answer is "cannot resume" (CannotResumeUpload) or, if the caller allows it, a new
// upload from the first byte. Claiming success, or completing with parts of another upload,
// is a bug.
//
// Server crash (hook 1). `restart` drops the fake's in-memory state and reloads it from disk,
// as after a crash, then serves the request. What was acknowledged before must still be there
// (disk mode is durable per request); a correct client notices nothing.
//
// Not in the model: faults that no client could tell apart from data loss by the server
// itself (silently dropping an acknowledged part, changing a stored object) and network
// faults below HTTP (reordering, duplication) that TCP already hides.
#pragma once

#include "ossup/faults/plan.h"

namespace ossup::faults {

// ServerEffect, ClientDuty and FaultTraits are in actions.h, with each action's row.

/// The model above, as data, for property tests' models.
constexpr FaultTraits TraitsOf(ActionType type) { return SpecOf(type).traits; }

}  // namespace ossup::faults
