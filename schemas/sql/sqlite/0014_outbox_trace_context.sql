-- Issue 18 (tracing): the W3C trace context of the work that wrote an
-- event (its traceparent and tracestate headers), so the relay publishes
-- the event in that trace. NULL for events written outside a trace and for
-- rows an earlier version wrote: those are published without one.
ALTER TABLE service_outbox ADD COLUMN traceparent TEXT;
ALTER TABLE service_outbox ADD COLUMN tracestate TEXT;
