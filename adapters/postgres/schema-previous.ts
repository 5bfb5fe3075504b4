import type { TableNames } from './identifiers.js';

/**
 * The sign-in functions of earlier releases, part of `migrate()`'s script after the current
 * one: each runs the current sign-in with what its release did not know, so an instance not
 * yet upgraded keeps signing in during a rolling upgrade, under the current rules.
 */
export function previousSignInsSql(names: TableNames): string {
  return `-- The previous release's sign-in (schema versions 4 and 5, 25 arguments) becomes the one above
-- without the admin's session, so an instance still running it during a rolling upgrade keeps
-- signing in under the current rules (its support sessions name no admin's session).
CREATE OR REPLACE FUNCTION ${names.createFunction}(
  p_id text, p_user_id text, p_tenant_id text, p_kind text, p_secret_hash text, p_requested_at bigint,
  p_authenticated_at bigint, p_max_age bigint, p_device_key text, p_browser text, p_os text, p_device_type text,
  p_user_agent text, p_ip text, p_data jsonb, p_persistent boolean, p_replace_device_key text, p_deny_until bigint,
  p_limit_max integer, p_limit_refuse boolean, p_idle_before bigint, p_channel text, p_lock_timeout_ms integer,
  p_impersonator_id text, p_activity jsonb,
  OUT session_created_at bigint, OUT replaced_ids json, OUT evicted_ids json
) LANGUAGE sql VOLATILE AS $function$
  SELECT c.session_created_at, c.replaced_ids, c.evicted_ids FROM ${names.createFunction}(p_id, p_user_id, p_tenant_id, p_kind,
    p_secret_hash, p_requested_at, p_authenticated_at, p_max_age, p_device_key, p_browser, p_os, p_device_type, p_user_agent,
    p_ip, p_data, p_persistent, p_replace_device_key, p_deny_until, p_limit_max, p_limit_refuse, p_idle_before, p_channel,
    p_lock_timeout_ms, p_impersonator_id, NULL::text, p_activity) AS c
$function$;

-- The sign-in of schema version 3 (23 arguments) becomes the same without an impersonator or
-- activity, so an instance of that release too keeps signing in, and its sign-ins land after
-- the tenant's epoch and raise its high-water mark. (The version 2 function, 18 arguments,
-- stays where an earlier migration made it.)
CREATE OR REPLACE FUNCTION ${names.createFunction}(
  p_id text, p_user_id text, p_tenant_id text, p_kind text, p_secret_hash text, p_requested_at bigint,
  p_authenticated_at bigint, p_max_age bigint, p_device_key text, p_browser text, p_os text, p_device_type text,
  p_user_agent text, p_ip text, p_data jsonb, p_persistent boolean, p_replace_device_key text, p_deny_until bigint,
  p_limit_max integer, p_limit_refuse boolean, p_idle_before bigint, p_channel text, p_lock_timeout_ms integer,
  OUT session_created_at bigint, OUT replaced_ids json, OUT evicted_ids json
) LANGUAGE sql VOLATILE AS $function$
  SELECT c.session_created_at, c.replaced_ids, c.evicted_ids FROM ${names.createFunction}(p_id, p_user_id, p_tenant_id, p_kind,
    p_secret_hash, p_requested_at, p_authenticated_at, p_max_age, p_device_key, p_browser, p_os, p_device_type, p_user_agent,
    p_ip, p_data, p_persistent, p_replace_device_key, p_deny_until, p_limit_max, p_limit_refuse, p_idle_before, p_channel,
    p_lock_timeout_ms, NULL::text, NULL::text, NULL::jsonb) AS c
$function$;
`;
}
