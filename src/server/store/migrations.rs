//! Versioned schema migrations, applied in order at start-up; `schema_version:current` records progress.

use surrealdb::types::SurrealValue;

use super::{Store, StoreError};

/// Each entry runs once, in its own transaction together with the version bump. Never edit a
/// released migration: add a new one.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, V1_ACCOUNTS_SESSIONS_AUDIT),
    (2, V2_TICKETS),
    (3, V3_AGENT_WORKSPACE),
    (4, V4_TEAMS),
    (5, V5_PRESENCE_PER_TAB),
    (6, V6_ADMIN_SETTINGS),
    (7, V7_STATUS_LOG),
    (8, V8_SLA_STATE),
    (9, V9_EMAIL),
    (10, V10_ALERTS),
    (11, V11_WEBHOOKS),
    (12, V12_AUDIT_SEARCH),
    (13, V13_AUDIT_TOMBSTONES),
    (14, V14_AUDIT_STREAM),
    (15, V15_REPORTS),
    (16, V16_SHARDED_QUEUE_COUNTS),
    (17, V17_QUEUE_ORDER_INDEXES),
    (18, V18_ACCOUNTS_WITHOUT_PASSWORD),
    (19, V19_OUTBOX_LOOKUP_INDEXES),
    (20, V20_SESSION_LAST_USE),
    (21, V21_REFERRED_OPEN_INDEX),
    (22, V22_SECOND_FACTOR),
];

const V1_ACCOUNTS_SESSIONS_AUDIT: &str = "
DEFINE TABLE user SCHEMAFULL;
DEFINE FIELD email ON user TYPE string
    ASSERT string::len($value) <= 254 AND $value == string::lowercase(string::trim($value)) AND $value CONTAINS '@';
DEFINE FIELD name ON user TYPE string ASSERT string::len(string::trim($value)) > 0 AND string::len($value) <= 100;
DEFINE FIELD role ON user TYPE string ASSERT $value IN ['customer', 'agent', 'admin'];
DEFINE FIELD active ON user TYPE bool;
DEFINE FIELD password_hash ON user TYPE string ASSERT string::starts_with($value, '$argon2id$');
DEFINE FIELD created_at ON user TYPE datetime READONLY;
DEFINE FIELD updated_at ON user TYPE datetime;
DEFINE INDEX user_email ON user FIELDS email UNIQUE;
DEFINE INDEX user_role ON user FIELDS role;

DEFINE TABLE session SCHEMAFULL;
DEFINE FIELD user ON session TYPE record<user> READONLY;
DEFINE FIELD created_at ON session TYPE datetime READONLY;
DEFINE FIELD expires_at ON session TYPE datetime;
DEFINE FIELD ip ON session TYPE option<string>;
DEFINE FIELD user_agent ON session TYPE option<string>;
DEFINE INDEX session_user ON session FIELDS user;

DEFINE TABLE login_failure SCHEMAFULL;
DEFINE FIELD email ON login_failure TYPE string;
DEFINE FIELD ip ON login_failure TYPE string;
DEFINE FIELD at ON login_failure TYPE datetime;
DEFINE INDEX login_failure_email ON login_failure FIELDS email, at;
DEFINE INDEX login_failure_ip ON login_failure FIELDS ip, at;

DEFINE TABLE setup_token SCHEMAFULL;
DEFINE FIELD token_hash ON setup_token TYPE string;
DEFINE FIELD created_at ON setup_token TYPE datetime;

DEFINE TABLE audit_event SCHEMAFULL;
DEFINE FIELD shard ON audit_event TYPE int READONLY ASSERT $value >= 0;
DEFINE FIELD seq ON audit_event TYPE int READONLY ASSERT $value >= 1;
DEFINE FIELD prev_hash ON audit_event TYPE string READONLY;
DEFINE FIELD hash ON audit_event TYPE string READONLY;
DEFINE FIELD at ON audit_event TYPE datetime READONLY;
DEFINE FIELD actor_kind ON audit_event TYPE string READONLY ASSERT $value IN ['anonymous', 'user', 'api_key', 'system'];
DEFINE FIELD actor_id ON audit_event TYPE option<string> READONLY;
DEFINE FIELD actor_label ON audit_event TYPE string READONLY;
DEFINE FIELD action ON audit_event TYPE string READONLY;
DEFINE FIELD object_kind ON audit_event TYPE string READONLY;
DEFINE FIELD object_id ON audit_event TYPE string READONLY;
DEFINE FIELD before ON audit_event TYPE option<string> READONLY;
DEFINE FIELD after ON audit_event TYPE option<string> READONLY;
DEFINE FIELD ip ON audit_event TYPE option<string> READONLY;
DEFINE FIELD user_agent ON audit_event TYPE option<string> READONLY;
DEFINE INDEX audit_shard_seq ON audit_event FIELDS shard, seq UNIQUE;
DEFINE INDEX audit_at ON audit_event FIELDS at;

DEFINE TABLE audit_head SCHEMAFULL;
DEFINE FIELD seq ON audit_head TYPE int;
DEFINE FIELD hash ON audit_head TYPE string;
";

/// Tickets, their threads, and the catalogue they draw on (departments, statuses, priorities,
/// forms, help topics), seeded with osTicket-like defaults. Catalogue records use readable keys
/// (`status:open`, `help_topic:security_incident`) so configuration reads well in the database.
const V2_TICKETS: &str = "
DEFINE TABLE department SCHEMAFULL;
DEFINE FIELD name ON department TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON department TYPE bool;

DEFINE TABLE status SCHEMAFULL;
DEFINE FIELD name ON status TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD state ON status TYPE string ASSERT $value IN ['open', 'closed'];
DEFINE FIELD pauses_sla ON status TYPE bool;
DEFINE FIELD customer_may_reopen ON status TYPE bool;
DEFINE FIELD sort ON status TYPE int;

DEFINE TABLE priority SCHEMAFULL;
DEFINE FIELD name ON priority TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD urgency ON priority TYPE int ASSERT $value >= 0 AND $value <= 100;
DEFINE FIELD is_default ON priority TYPE bool;

DEFINE TABLE form SCHEMAFULL;
DEFINE FIELD name ON form TYPE string;
DEFINE TABLE form_field SCHEMAFULL;
DEFINE FIELD form ON form_field TYPE record<form>;
DEFINE FIELD sort ON form_field TYPE int;
DEFINE FIELD name ON form_field TYPE string ASSERT $value = /^[a-z][a-z0-9_]{0,63}$/;
-- The whole definition (domain::form::FieldDef) as JSON.
DEFINE FIELD definition ON form_field TYPE string;
DEFINE INDEX form_field_name ON form_field FIELDS form, name UNIQUE;

DEFINE TABLE help_topic SCHEMAFULL;
DEFINE FIELD name ON help_topic TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD department ON help_topic TYPE record<department>;
DEFINE FIELD priority ON help_topic TYPE option<record<priority>>;
DEFINE FIELD forms ON help_topic TYPE array<record<form>>;
DEFINE FIELD active ON help_topic TYPE bool;
DEFINE FIELD public ON help_topic TYPE bool;
DEFINE FIELD sort ON help_topic TYPE int;

DEFINE TABLE ticket_sequence SCHEMAFULL;
DEFINE FIELD value ON ticket_sequence TYPE int;

DEFINE TABLE ticket SCHEMAFULL;
DEFINE FIELD number ON ticket TYPE string READONLY ASSERT string::len($value) > 0;
DEFINE FIELD subject ON ticket TYPE string ASSERT string::len($value) > 0 AND string::len($value) <= 200;
DEFINE FIELD requester ON ticket TYPE record<user>;
DEFINE FIELD collaborators ON ticket TYPE array<record<user>>;
DEFINE FIELD department ON ticket TYPE record<department>;
DEFINE FIELD help_topic ON ticket TYPE option<record<help_topic>>;
DEFINE FIELD priority ON ticket TYPE record<priority>;
DEFINE FIELD status ON ticket TYPE record<status>;
DEFINE FIELD state ON ticket TYPE string ASSERT $value IN ['open', 'closed'];
DEFINE FIELD source ON ticket TYPE string ASSERT $value IN ['web', 'email', 'api', 'phone', 'alert', 'other'];
DEFINE FIELD assignee ON ticket TYPE option<record<user>>;
DEFINE FIELD team ON ticket TYPE option<string>;
DEFINE FIELD tags ON ticket TYPE array<string>;
-- Custom field values (name -> domain::form::FieldValue) as JSON.
DEFINE FIELD fields ON ticket TYPE string;
DEFINE FIELD created_at ON ticket TYPE datetime READONLY;
DEFINE FIELD updated_at ON ticket TYPE datetime;
DEFINE FIELD first_response_at ON ticket TYPE option<datetime>;
DEFINE FIELD closed_at ON ticket TYPE option<datetime>;
-- How many thread entries the ticket has; numbers them in order.
DEFINE FIELD entries ON ticket TYPE int;
DEFINE INDEX ticket_number ON ticket FIELDS number UNIQUE;
DEFINE INDEX ticket_requester ON ticket FIELDS requester, updated_at;
DEFINE INDEX ticket_collaborators ON ticket FIELDS collaborators;

DEFINE TABLE thread_entry SCHEMAFULL;
DEFINE FIELD ticket ON thread_entry TYPE record<ticket> READONLY;
DEFINE FIELD seq ON thread_entry TYPE int READONLY ASSERT $value >= 1;
DEFINE FIELD kind ON thread_entry TYPE string READONLY
    ASSERT $value IN ['customer_message', 'agent_reply', 'internal_note', 'system_event'];
DEFINE FIELD author ON thread_entry TYPE option<record<user>> READONLY;
DEFINE FIELD author_name ON thread_entry TYPE string READONLY;
DEFINE FIELD body ON thread_entry TYPE string READONLY;
DEFINE FIELD format ON thread_entry TYPE string READONLY ASSERT $value IN ['text', 'html'];
DEFINE FIELD source ON thread_entry TYPE string READONLY;
DEFINE FIELD at ON thread_entry TYPE datetime READONLY;
DEFINE INDEX thread_entry_ticket ON thread_entry FIELDS ticket, seq UNIQUE;

-- Uploaded files. An upload waits (ticket NONE) until its uploader sends it with a message.
DEFINE TABLE attachment SCHEMAFULL;
DEFINE FIELD uploader ON attachment TYPE record<user> READONLY;
DEFINE FIELD ticket ON attachment TYPE option<record<ticket>>;
DEFINE FIELD entry ON attachment TYPE option<record<thread_entry>>;
DEFINE FIELD name ON attachment TYPE string READONLY;
DEFINE FIELD content_type ON attachment TYPE string READONLY;
DEFINE FIELD size ON attachment TYPE int READONLY;
DEFINE FIELD sha256 ON attachment TYPE string READONLY;
DEFINE FIELD data ON attachment TYPE bytes READONLY;
DEFINE FIELD created_at ON attachment TYPE datetime READONLY;
DEFINE INDEX attachment_entry ON attachment FIELDS entry;

-- Guest access: a link to one ticket for whoever holds it, keyed by the SHA-256 of its token.
DEFINE TABLE guest_link SCHEMAFULL;
DEFINE FIELD ticket ON guest_link TYPE record<ticket> READONLY;
DEFINE FIELD email ON guest_link TYPE string READONLY;
DEFINE FIELD created_at ON guest_link TYPE datetime READONLY;
DEFINE FIELD expires_at ON guest_link TYPE datetime READONLY;
DEFINE FIELD revoked_at ON guest_link TYPE option<datetime>;
DEFINE INDEX guest_link_ticket ON guest_link FIELDS ticket;

CREATE department:support CONTENT { name: 'Support', active: true };
CREATE department:security_operations CONTENT { name: 'Security Operations', active: true };

CREATE status:open CONTENT { name: 'Open', state: 'open', pauses_sla: false, customer_may_reopen: false, sort: 1 };
CREATE status:waiting CONTENT { name: 'Waiting on customer', state: 'open', pauses_sla: true, customer_may_reopen: false, sort: 2 };
CREATE status:resolved CONTENT { name: 'Resolved', state: 'closed', pauses_sla: false, customer_may_reopen: true, sort: 3 };
CREATE status:closed CONTENT { name: 'Closed', state: 'closed', pauses_sla: false, customer_may_reopen: true, sort: 4 };

CREATE priority:low CONTENT { name: 'Low', urgency: 10, is_default: false };
CREATE priority:normal CONTENT { name: 'Normal', urgency: 20, is_default: true };
CREATE priority:high CONTENT { name: 'High', urgency: 30, is_default: false };
CREATE priority:emergency CONTENT { name: 'Emergency', urgency: 40, is_default: false };

CREATE form:problem CONTENT { name: 'Problem details' };
CREATE form:incident CONTENT { name: 'Incident details' };
CREATE form_field CONTENT { form: form:problem, sort: 1, name: 'affected_device',
    definition: '{\"name\":\"affected_device\",\"label\":\"Affected device\",\"hint\":\"Laptop, phone, printer or system name\",\"kind\":\"short_text\",\"rules\":{\"max_length\":100},\"choices\":[],\"customer_visible\":true,\"customer_editable\":true,\"customer_required\":false,\"agent_required\":false}' };
CREATE form_field CONTENT { form: form:problem, sort: 2, name: 'impact',
    definition: '{\"name\":\"impact\",\"label\":\"Who is affected\",\"hint\":\"\",\"kind\":\"single_choice\",\"rules\":{},\"choices\":[{\"value\":\"me\",\"label\":\"Just me\"},{\"value\":\"team\",\"label\":\"My team\"},{\"value\":\"everyone\",\"label\":\"Everyone\"}],\"customer_visible\":true,\"customer_editable\":true,\"customer_required\":true,\"agent_required\":true}' };
CREATE form_field CONTENT { form: form:problem, sort: 3, name: 'screenshot',
    definition: '{\"name\":\"screenshot\",\"label\":\"Screenshot\",\"hint\":\"A picture of the error helps.\",\"kind\":\"file\",\"rules\":{},\"choices\":[],\"customer_visible\":true,\"customer_editable\":true,\"customer_required\":false,\"agent_required\":false}' };
CREATE form_field CONTENT { form: form:incident, sort: 1, name: 'affected_host',
    definition: '{\"name\":\"affected_host\",\"label\":\"Affected host\",\"hint\":\"Host name or IP address\",\"kind\":\"short_text\",\"rules\":{\"max_length\":255},\"choices\":[],\"customer_visible\":true,\"customer_editable\":true,\"customer_required\":true,\"agent_required\":true}' };
CREATE form_field CONTENT { form: form:incident, sort: 2, name: 'observed_at',
    definition: '{\"name\":\"observed_at\",\"label\":\"First observed\",\"hint\":\"\",\"kind\":\"date_time\",\"rules\":{},\"choices\":[],\"customer_visible\":true,\"customer_editable\":true,\"customer_required\":false,\"agent_required\":false}' };

CREATE help_topic:general CONTENT { name: 'General Inquiry', department: department:support, priority: NONE, forms: [], active: true, public: true, sort: 1 };
CREATE help_topic:problem CONTENT { name: 'Report a Problem', department: department:support, priority: NONE, forms: [form:problem], active: true, public: true, sort: 2 };
CREATE help_topic:security_incident CONTENT { name: 'Security Incident', department: department:security_operations, priority: priority:high, forms: [form:incident], active: true, public: true, sort: 3 };
";

/// What the agent dashboard needs: department memberships, ticket versions and change notes for
/// live events, referrals, merges and links, precomputed queue counts, full-text indexes,
/// presence, canned responses and saved queues.
const V3_AGENT_WORKSPACE: &str = "
DEFINE FIELD departments ON user TYPE array<record<department>> DEFAULT [];
UPDATE user SET departments = [];

-- Every change bumps the version; a change based on an older version is refused.
DEFINE FIELD version ON ticket TYPE int DEFAULT 1 ASSERT $value >= 0;
-- What the last change touched, for live events (`thread`, `status`, ...), and whether only staff may hear of it.
DEFINE FIELD changed ON ticket TYPE array<string> DEFAULT [];
DEFINE FIELD staff_only ON ticket TYPE bool DEFAULT false;
DEFINE FIELD referred ON ticket TYPE array<record<department>> DEFAULT [];
DEFINE FIELD due_at ON ticket TYPE option<datetime>;
DEFINE FIELD merged_into ON ticket TYPE option<record<ticket>>;
DEFINE FIELD links ON ticket TYPE array<record<ticket>> DEFAULT [];
-- Subject, requester and custom field values, for full-text search.
DEFINE FIELD search_text ON ticket TYPE string DEFAULT '';
UPDATE ticket SET version = 1, changed = [], staff_only = false, referred = [], links = [],
    search_text = string::concat(subject, ' ', requester.name, ' ', requester.email);
DEFINE FIELD version ON thread_entry TYPE option<int> READONLY;
-- Staff events: system events about internal work (assignment, referral) customers never see.
DEFINE FIELD OVERWRITE kind ON thread_entry TYPE string READONLY
    ASSERT $value IN ['customer_message', 'agent_reply', 'internal_note', 'system_event', 'staff_event'];

DEFINE INDEX ticket_department_state ON ticket FIELDS department, state, updated_at;
DEFINE INDEX ticket_state_updated ON ticket FIELDS state, updated_at;
DEFINE INDEX ticket_referred ON ticket FIELDS referred;
DEFINE INDEX ticket_merged_into ON ticket FIELDS merged_into;

-- Queue counts, kept by the database as tickets change (no scans per page view).
DEFINE TABLE queue_count TYPE NORMAL AS
    SELECT count() AS tickets, department, state, status, assignee FROM ticket
    GROUP BY department, state, status, assignee;

DEFINE ANALYZER docket_text TOKENIZERS blank, class, punct FILTERS lowercase, ascii, snowball(english);
DEFINE INDEX ticket_search ON ticket FIELDS search_text FULLTEXT ANALYZER docket_text BM25 HIGHLIGHTS;
DEFINE INDEX thread_entry_search ON thread_entry FIELDS body FULLTEXT ANALYZER docket_text BM25 HIGHLIGHTS;

-- Who is on a ticket page right now (refreshed by the page, dropped when stale).
DEFINE TABLE presence SCHEMAFULL;
DEFINE FIELD ticket ON presence TYPE string;
-- The ticket's department and referrals when the presence was recorded: who may hear of it.
DEFINE FIELD department ON presence TYPE string;
DEFINE FIELD referred ON presence TYPE array<string>;
DEFINE FIELD user ON presence TYPE string;
DEFINE FIELD name ON presence TYPE string;
DEFINE FIELD activity ON presence TYPE string ASSERT $value IN ['viewing', 'typing', 'left'];
DEFINE FIELD at ON presence TYPE datetime;
DEFINE INDEX presence_at ON presence FIELDS at;

DEFINE TABLE canned_response SCHEMAFULL;
DEFINE FIELD title ON canned_response TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD body ON canned_response TYPE string;
DEFINE FIELD active ON canned_response TYPE bool;
DEFINE FIELD sort ON canned_response TYPE int;
CREATE canned_response:received CONTENT { title: 'We are on it', sort: 1, active: true,
    body: 'Hi {requester.first_name},\n\nThanks for reporting this. We are looking into ticket #{ticket.number} ({ticket.subject}) and will update you here.\n\n{agent.name}' };
CREATE canned_response:more_info CONTENT { title: 'Need more information', sort: 2, active: true,
    body: 'Hi {requester.first_name},\n\nTo move ticket #{ticket.number} forward we need a little more information: when did this start, and what did you see on screen?\n\n{agent.name}' };
CREATE canned_response:resolved CONTENT { title: 'Resolved, please confirm', sort: 3, active: true,
    body: 'Hi {requester.first_name},\n\nWe believe ticket #{ticket.number} is resolved. If anything is still wrong, reply here and the ticket reopens.\n\n{agent.name}' };

DEFINE TABLE saved_queue SCHEMAFULL;
DEFINE FIELD owner ON saved_queue TYPE record<user> READONLY;
DEFINE FIELD name ON saved_queue TYPE string ASSERT string::len($value) > 0 AND string::len($value) <= 60;
-- domain::queue::QueueFilter as JSON.
DEFINE FIELD filter ON saved_queue TYPE string;
DEFINE FIELD columns ON saved_queue TYPE array<string>;
DEFINE FIELD sort ON saved_queue TYPE string;
DEFINE FIELD created_at ON saved_queue TYPE datetime READONLY;
DEFINE INDEX saved_queue_owner ON saved_queue FIELDS owner;

-- A merge keeps both tickets: the source closes and points at its target; undo reverses it.
DEFINE TABLE ticket_merge SCHEMAFULL;
DEFINE FIELD source ON ticket_merge TYPE record<ticket> READONLY;
DEFINE FIELD target ON ticket_merge TYPE record<ticket> READONLY;
DEFINE FIELD source_status ON ticket_merge TYPE record<status> READONLY;
DEFINE FIELD source_state ON ticket_merge TYPE string READONLY;
DEFINE FIELD added_collaborators ON ticket_merge TYPE array<record<user>> READONLY;
DEFINE FIELD at ON ticket_merge TYPE datetime READONLY;
DEFINE FIELD undone_at ON ticket_merge TYPE option<datetime>;
DEFINE INDEX ticket_merge_source ON ticket_merge FIELDS source;
";

/// Teams: groups of agents a ticket can be assigned to (with or without an agent). Managed on the
/// admin pages (#5); two are seeded.
const V4_TEAMS: &str = "
DEFINE TABLE team SCHEMAFULL;
DEFINE FIELD name ON team TYPE string ASSERT string::len($value) > 0 AND string::len($value) <= 60;
DEFINE FIELD lead ON team TYPE option<record<user>>;
DEFINE FIELD members ON team TYPE array<record<user>> DEFAULT [];
DEFINE FIELD active ON team TYPE bool;
CREATE team:tier_1 CONTENT { name: 'Tier 1', lead: NONE, members: [], active: true };
CREATE team:incident_response CONTENT { name: 'Incident Response', lead: NONE, members: [], active: true };
-- Until now no ticket had a team (it was a placeholder string, always NONE).
DEFINE FIELD OVERWRITE team ON ticket TYPE option<record<team>>;
DEFINE INDEX ticket_team ON ticket FIELDS team;
";

/// Presence per browser tab: the same agent on one ticket in two tabs is two presences (one
/// may be typing while the other only views).
const V5_PRESENCE_PER_TAB: &str = "
DELETE presence;
DEFINE FIELD tab ON presence TYPE string DEFAULT '';
";

/// Everything the admin settings shape: roles held per department, organizations with their
/// sharing, SLA plans and schedules, ticket filters, API keys and the general settings, plus the
/// references departments and help topics gained. Existing members keep full access.
const V6_ADMIN_SETTINGS: &str = "
DEFINE TABLE role SCHEMAFULL;
DEFINE FIELD name ON role TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON role TYPE bool;
DEFINE FIELD permissions ON role TYPE array<string>;
CREATE role:all_access CONTENT { name: 'All access', active: true, permissions: ['ticket.create', 'ticket.edit',
    'ticket.assign', 'ticket.release', 'ticket.transfer', 'ticket.refer', 'ticket.merge', 'ticket.link', 'ticket.reply',
    'ticket.close', 'ticket.delete', 'canned.manage', 'user.create', 'user.edit', 'user.delete', 'org.manage',
    'stats.view', 'audit.view', 'search.all'] };
CREATE role:expanded CONTENT { name: 'Expanded access', active: true, permissions: ['ticket.create', 'ticket.edit',
    'ticket.assign', 'ticket.release', 'ticket.transfer', 'ticket.refer', 'ticket.merge', 'ticket.link', 'ticket.reply',
    'ticket.close', 'canned.manage', 'user.create', 'user.edit', 'stats.view'] };
CREATE role:limited CONTENT { name: 'Limited access', active: true, permissions: ['ticket.create', 'ticket.edit',
    'ticket.assign', 'ticket.refer', 'ticket.reply', 'ticket.close'] };
CREATE role:view_only CONTENT { name: 'View only', active: true, permissions: [] };

DEFINE FIELD memberships ON user TYPE array<object> DEFAULT [];
DEFINE FIELD memberships[*].department ON user TYPE record<department>;
DEFINE FIELD memberships[*].role ON user TYPE record<role>;
UPDATE user SET memberships = (departments ?? []).map(|$d| { department: $d, role: role:expanded });

DEFINE TABLE organization SCHEMAFULL;
DEFINE FIELD name ON organization TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON organization TYPE bool;
DEFINE FIELD sharing ON organization TYPE string ASSERT $value IN ['none', 'primary_contacts', 'everyone'];
DEFINE FIELD domains ON organization TYPE array<string>;
DEFINE INDEX organization_domains ON organization FIELDS domains;
DEFINE FIELD organization ON user TYPE option<record<organization>>;
DEFINE FIELD primary_contact ON user TYPE bool DEFAULT false;
UPDATE user SET primary_contact = false;
DEFINE INDEX user_organization ON user FIELDS organization;

-- SLA plans, schedules, filters and API keys keep their whole definition (the domain type) as JSON.
DEFINE TABLE schedule SCHEMAFULL;
DEFINE FIELD name ON schedule TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON schedule TYPE bool;
DEFINE FIELD definition ON schedule TYPE string;
CREATE schedule:office_hours CONTENT { name: 'Office hours', active: true, definition: '{\"name\":\"Office hours\",\"active\":true,\"time_zone\":\"UTC\",\"hours\":[{\"day\":\"mon\",\"opens\":\"09:00\",\"closes\":\"17:00\"},{\"day\":\"tue\",\"opens\":\"09:00\",\"closes\":\"17:00\"},{\"day\":\"wed\",\"opens\":\"09:00\",\"closes\":\"17:00\"},{\"day\":\"thu\",\"opens\":\"09:00\",\"closes\":\"17:00\"},{\"day\":\"fri\",\"opens\":\"09:00\",\"closes\":\"17:00\"}],\"holidays\":[]}' };

DEFINE TABLE sla_plan SCHEMAFULL;
DEFINE FIELD name ON sla_plan TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON sla_plan TYPE bool;
DEFINE FIELD definition ON sla_plan TYPE string;
CREATE sla_plan:standard CONTENT { name: 'Standard', active: true, definition: '{\"name\":\"Standard\",\"active\":true,\"schedule\":\"office_hours\",\"targets\":[{\"priority\":\"high\",\"first_response_minutes\":60,\"resolution_minutes\":480},{\"priority\":\"emergency\",\"first_response_minutes\":15,\"resolution_minutes\":240}],\"default_target\":{\"priority\":\"\",\"first_response_minutes\":240,\"resolution_minutes\":2880},\"pause_statuses\":[],\"at_risk_percent\":75,\"escalations\":[]}' };
CREATE sla_plan:incident CONTENT { name: 'Security incident (24/7)', active: true, definition: '{\"name\":\"Security incident (24/7)\",\"active\":true,\"schedule\":null,\"targets\":[{\"priority\":\"emergency\",\"first_response_minutes\":15,\"resolution_minutes\":240}],\"default_target\":{\"priority\":\"\",\"first_response_minutes\":60,\"resolution_minutes\":1440},\"pause_statuses\":[],\"at_risk_percent\":75,\"escalations\":[]}' };

DEFINE FIELD parent ON department TYPE option<record<department>>;
DEFINE FIELD manager ON department TYPE option<record<user>>;
DEFINE FIELD sla_plan ON department TYPE option<record<sla_plan>>;
DEFINE FIELD schedule ON department TYPE option<record<schedule>>;
UPDATE department:support SET sla_plan = sla_plan:standard;
UPDATE department:security_operations SET sla_plan = sla_plan:incident;

DEFINE FIELD parent ON help_topic TYPE option<record<help_topic>>;
DEFINE FIELD sla_plan ON help_topic TYPE option<record<sla_plan>>;
DEFINE FIELD assign_agent ON help_topic TYPE option<record<user>>;
DEFINE FIELD assign_team ON help_topic TYPE option<record<team>>;
DEFINE FIELD active ON form TYPE bool DEFAULT true;
UPDATE form SET active = true;
DEFINE FIELD active ON status TYPE bool DEFAULT true;
UPDATE status SET active = true;
DEFINE FIELD active ON priority TYPE bool DEFAULT true;
UPDATE priority SET active = true;
DEFINE FIELD department ON canned_response TYPE option<record<department>>;

DEFINE FIELD organization ON ticket TYPE option<record<organization>>;
DEFINE FIELD sla_plan ON ticket TYPE option<record<sla_plan>>;
DEFINE INDEX ticket_organization ON ticket FIELDS organization, updated_at;

DEFINE TABLE ticket_filter SCHEMAFULL;
DEFINE FIELD name ON ticket_filter TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON ticket_filter TYPE bool;
DEFINE FIELD sort ON ticket_filter TYPE int;
DEFINE FIELD definition ON ticket_filter TYPE string;

DEFINE TABLE api_key SCHEMAFULL;
DEFINE FIELD name ON api_key TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON api_key TYPE bool;
DEFINE FIELD definition ON api_key TYPE string;
-- SHA-256 of the key; the key itself is shown once and never stored.
DEFINE FIELD key_hash ON api_key TYPE string READONLY;
DEFINE FIELD created_at ON api_key TYPE datetime READONLY;
DEFINE FIELD last_used_at ON api_key TYPE option<datetime>;
DEFINE INDEX api_key_hash ON api_key FIELDS key_hash UNIQUE;

-- One record, settings:general, once an admin saves the general settings.
DEFINE TABLE settings SCHEMAFULL;
DEFINE FIELD name ON settings TYPE string;
DEFINE FIELD active ON settings TYPE bool;
DEFINE FIELD definition ON settings TYPE string;
";

/// Every status a ticket has been in and since when: SLA clocks pause on it. Tickets from
/// before it start with their creation (open) and, if they are in another status now, that status
/// since their last update.
const V7_STATUS_LOG: &str = "
DEFINE FIELD status_log ON ticket TYPE array<object> DEFAULT [];
DEFINE FIELD status_log[*].status ON ticket TYPE string;
DEFINE FIELD status_log[*].at ON ticket TYPE datetime;
UPDATE ticket SET status_log = IF record::id(status) = 'open' {
    [{ status: 'open', at: created_at }]
} ELSE {
    [{ status: 'open', at: created_at }, { status: record::id(status), at: updated_at }]
};
";

/// What the SLA job keeps per ticket (due times for queues, when to look again, whether it
/// changed since) and the marker of every SLA step taken, so each happens once.
const V8_SLA_STATE: &str = "
DEFINE FIELD sla_dirty ON ticket TYPE bool DEFAULT true;
DEFINE FIELD sla_first_response_due ON ticket TYPE option<datetime>;
DEFINE FIELD sla_resolution_due ON ticket TYPE option<datetime>;
DEFINE FIELD sla_next_at ON ticket TYPE option<datetime>;
-- The earlier of the two running clocks' due times: the Overdue queue.
DEFINE FIELD sla_due ON ticket TYPE option<datetime>;
-- Whether each clock, once stopped, was met in time: SLA compliance.
DEFINE FIELD sla_first_response_met ON ticket TYPE option<bool>;
DEFINE FIELD sla_resolution_met ON ticket TYPE option<bool>;
UPDATE ticket SET sla_dirty = state = 'open';
DEFINE INDEX ticket_sla_due ON ticket FIELDS state, sla_due;
DEFINE INDEX ticket_sla_dirty ON ticket FIELDS sla_dirty;
DEFINE INDEX ticket_sla_next ON ticket FIELDS sla_next_at;
DEFINE TABLE sla_event SCHEMAFULL;
DEFINE FIELD ticket ON sla_event TYPE record<ticket> READONLY;
DEFINE FIELD at ON sla_event TYPE datetime READONLY;
";

#[derive(SurrealValue)]
struct VersionRow {
    version: i64,
}

/// The table that records progress exists before any migration runs.
const BOOTSTRAP: &str = "
DEFINE TABLE IF NOT EXISTS schema_version SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS version ON schema_version TYPE int ASSERT $value >= 1;
";

const V9_EMAIL: &str = "
-- How an emailed entry was matched to its ticket, and its Message-ID (threading, de-duplication).
DEFINE FIELD message_id ON thread_entry TYPE option<string>;
DEFINE FIELD via ON thread_entry TYPE option<string>;
-- An emailed entry's HTML, sanitised and without the quoted conversation (the body keeps the text).
DEFINE FIELD rich ON thread_entry TYPE option<string>;
DEFINE INDEX thread_entry_message_id ON thread_entry FIELDS message_id;
DEFINE FIELD email ON department TYPE option<string>;
-- Mail waits here from the transaction that caused it until it is delivered (or dead).
DEFINE TABLE outbox SCHEMAFULL;
DEFINE FIELD payload ON outbox TYPE string;
DEFINE FIELD ticket ON outbox TYPE option<string>;
DEFINE FIELD template ON outbox TYPE string;
DEFINE FIELD recipients ON outbox TYPE array<string>;
DEFINE FIELD subject ON outbox TYPE string;
DEFINE FIELD message_id ON outbox TYPE string;
DEFINE FIELD status ON outbox TYPE string ASSERT $value IN ['queued', 'sent', 'dead'];
DEFINE FIELD attempts ON outbox TYPE int;
DEFINE FIELD next_at ON outbox TYPE datetime;
DEFINE FIELD created_at ON outbox TYPE datetime;
DEFINE FIELD sent_at ON outbox TYPE option<datetime>;
DEFINE FIELD last_error ON outbox TYPE option<string>;
DEFINE FIELD lease_until ON outbox TYPE option<datetime>;
DEFINE INDEX outbox_due ON outbox FIELDS status, next_at;
DEFINE INDEX outbox_message_id ON outbox FIELDS message_id;
DEFINE INDEX outbox_created ON outbox FIELDS created_at;
DEFINE TABLE email_template SCHEMAFULL;
DEFINE FIELD name ON email_template TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON email_template TYPE bool;
DEFINE FIELD definition ON email_template TYPE string;
DEFINE TABLE mailbox SCHEMAFULL;
DEFINE FIELD name ON mailbox TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON mailbox TYPE bool;
DEFINE FIELD definition ON mailbox TYPE string;
DEFINE FIELD last_fetch_at ON mailbox TYPE option<datetime>;
DEFINE FIELD next_fetch_at ON mailbox TYPE option<datetime>;
DEFINE FIELD last_error ON mailbox TYPE option<string>;
DEFINE FIELD fetched ON mailbox TYPE int DEFAULT 0;
DEFINE TABLE secret SCHEMAFULL;
DEFINE FIELD key ON secret TYPE string READONLY;
-- One-time links to choose a password: a reset asked for by email, or an agent's invitation.
DEFINE TABLE password_link SCHEMAFULL;
DEFINE FIELD user ON password_link TYPE record<user> READONLY;
DEFINE FIELD purpose ON password_link TYPE string READONLY ASSERT $value IN ['reset', 'invite'];
DEFINE FIELD created_at ON password_link TYPE datetime READONLY;
DEFINE FIELD expires_at ON password_link TYPE datetime READONLY;
DEFINE FIELD used_at ON password_link TYPE option<datetime>;
DEFINE INDEX password_link_user ON password_link FIELDS user, created_at;
FOR $t IN $default_templates {
    CREATE type::record('email_template', $t.key) CONTENT { name: $t.name, active: true, definition: $t.definition };
};
";

const V10_ALERTS: &str = "
-- Tickets opened by SIEM alerts: the source, the fingerprint repeats share, how often and when
-- last it fired, the detection rule and the observables (JSON).
DEFINE FIELD alert_source ON ticket TYPE option<string>;
DEFINE FIELD fingerprint ON ticket TYPE option<string>;
DEFINE FIELD alert_rule ON ticket TYPE option<string>;
DEFINE FIELD occurrences ON ticket TYPE option<int>;
DEFINE FIELD last_seen ON ticket TYPE option<datetime>;
DEFINE FIELD observables ON ticket TYPE option<string>;
-- One ticket per fingerprint (repeats count on it), also when the same alert arrives twice at once.
DEFINE INDEX ticket_fingerprint ON ticket FIELDS fingerprint UNIQUE;
DEFINE TABLE alert_source SCHEMAFULL;
DEFINE FIELD name ON alert_source TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON alert_source TYPE bool;
DEFINE FIELD definition ON alert_source TYPE string;
";

const V11_WEBHOOKS: &str = "
DEFINE TABLE webhook SCHEMAFULL;
DEFINE FIELD name ON webhook TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON webhook TYPE bool;
DEFINE FIELD definition ON webhook TYPE string;
DEFINE FIELD url ON webhook TYPE string;
DEFINE FIELD secret ON webhook TYPE string;
DEFINE FIELD events ON webhook TYPE array<string>;
-- Each event a subscribed endpoint is owed, queued with the change that raised it.
DEFINE TABLE webhook_delivery SCHEMAFULL;
DEFINE FIELD webhook ON webhook_delivery TYPE record<webhook>;
DEFINE FIELD event ON webhook_delivery TYPE string;
DEFINE FIELD payload ON webhook_delivery TYPE string;
DEFINE FIELD status ON webhook_delivery TYPE string ASSERT $value IN ['queued', 'delivered', 'dead'];
DEFINE FIELD attempts ON webhook_delivery TYPE int;
DEFINE FIELD next_at ON webhook_delivery TYPE datetime;
DEFINE FIELD created_at ON webhook_delivery TYPE datetime;
DEFINE FIELD delivered_at ON webhook_delivery TYPE option<datetime>;
DEFINE FIELD last_status ON webhook_delivery TYPE option<int>;
DEFINE FIELD last_error ON webhook_delivery TYPE option<string>;
DEFINE FIELD lease_until ON webhook_delivery TYPE option<datetime>;
DEFINE INDEX webhook_delivery_due ON webhook_delivery FIELDS status, next_at;
DEFINE INDEX webhook_delivery_created ON webhook_delivery FIELDS created_at;
";

/// The audit page's order: a key that sorts newest first (time, chain, sequence counted down, each
/// zero-padded; `fn::audit_order_key`, mirrored by `store::audit::order_key`), so a page is one ascending index range scan that stops at its limit; and a
/// ticket's (or any object's) events by object.
const V12_AUDIT_SEARCH: &str = "
DEFINE FUNCTION fn::audit_order_key($at: datetime, $shard: int, $seq: int) {
    LET $rn = <string> (9223372036854775807 - time::nano($at));
    LET $rs = <string> (9223372036854775807 - $seq);
    RETURN string::concat(string::repeat('0', 19 - string::len($rn)), $rn, <string> (7 - $shard),
        string::repeat('0', 19 - string::len($rs)), $rs);
};
DEFINE FIELD order_key ON audit_event TYPE option<string>;
UPDATE audit_event SET order_key = fn::audit_order_key(at, shard, seq);
DEFINE INDEX audit_order ON audit_event FIELDS order_key UNIQUE;
DEFINE INDEX audit_object ON audit_event FIELDS object_kind, object_id;
";

/// Retention: per shard (record id = shard), the signed tombstone standing in for the events
/// pruned from the start of its chain. Extended by each prune, so not `READONLY`: its signature is
/// what makes an edit evident.
const V13_AUDIT_TOMBSTONES: &str = "
DEFINE TABLE audit_tombstone SCHEMAFULL;
DEFINE FIELD through_seq ON audit_tombstone TYPE int ASSERT $value >= 1;
DEFINE FIELD hash ON audit_tombstone TYPE string;
DEFINE FIELD pruned ON audit_tombstone TYPE int ASSERT $value >= 1;
DEFINE FIELD oldest_at ON audit_tombstone TYPE datetime;
DEFINE FIELD newest_at ON audit_tombstone TYPE datetime;
DEFINE FIELD at ON audit_tombstone TYPE datetime;
DEFINE FIELD signature ON audit_tombstone TYPE string;
";

/// Streaming the trail to SIEMs (`audit.stream`): per target (its canonical spelling) and shard,
/// the last event the target acknowledged; and which process streams a target, until when.
const V14_AUDIT_STREAM: &str = "
DEFINE TABLE audit_stream_cursor SCHEMAFULL;
DEFINE FIELD target ON audit_stream_cursor TYPE string;
DEFINE FIELD shard ON audit_stream_cursor TYPE int ASSERT $value >= 0;
DEFINE FIELD seq ON audit_stream_cursor TYPE int ASSERT $value >= 0;
DEFINE INDEX audit_stream_cursor_target ON audit_stream_cursor FIELDS target, shard UNIQUE;
DEFINE TABLE audit_stream_lease SCHEMAFULL;
DEFINE FIELD holder ON audit_stream_lease TYPE string;
DEFINE FIELD lease_until ON audit_stream_lease TYPE datetime;
";

/// Reports: resolution classes (seeded with the SOC's usual five), when staff first acted on a
/// ticket, and the per-day rollups the metrics job keeps. Existing tickets are counted by the
/// job's first rebuild (there is no `metric_meta` yet).
const V15_REPORTS: &str = "
DEFINE TABLE resolution_class SCHEMAFULL;
DEFINE FIELD name ON resolution_class TYPE string ASSERT string::len($value) > 0;
DEFINE FIELD active ON resolution_class TYPE bool;
DEFINE FIELD false_positive ON resolution_class TYPE bool;
DEFINE FIELD sort ON resolution_class TYPE int;
CREATE resolution_class:true_positive_impact CONTENT { name: 'True positive, with impact', active: true, false_positive: false, sort: 10 };
CREATE resolution_class:true_positive CONTENT { name: 'True positive, no impact', active: true, false_positive: false, sort: 20 };
CREATE resolution_class:false_positive CONTENT { name: 'False positive', active: true, false_positive: true, sort: 30 };
CREATE resolution_class:benign CONTENT { name: 'Benign (expected activity)', active: true, false_positive: false, sort: 40 };
CREATE resolution_class:duplicate CONTENT { name: 'Duplicate', active: true, false_positive: false, sort: 50 };
DEFINE FIELD resolution ON ticket TYPE option<string>;
DEFINE FIELD acknowledged_at ON ticket TYPE option<datetime>;
-- The agent or admin whose change closed the ticket (a user id), while closed.
DEFINE FIELD closed_by ON ticket TYPE option<string>;
UPDATE ticket SET acknowledged_at = first_response_at WHERE first_response_at != NONE;
-- Changed since the metrics job last counted it; what it counted (domain::metrics::TicketFacts, JSON).
DEFINE FIELD stats_dirty ON ticket TYPE bool DEFAULT true;
DEFINE FIELD stats_facts ON ticket TYPE option<string>;
-- Which count (metric_meta.generation) those facts belong to.
DEFINE FIELD stats_generation ON ticket TYPE option<int>;
DEFINE INDEX ticket_stats_dirty ON ticket FIELDS stats_dirty;
-- Id [scope, day]: a scope's (every department '*', or one) tallies of a day (domain::metrics::DayTally, JSON).
DEFINE TABLE metric_day SCHEMAFULL;
DEFINE FIELD tallies ON metric_day TYPE string;
DEFINE FIELD rev ON metric_day TYPE int;
-- Id [scope, Monday]: the same summed over the ISO week starting that day.
DEFINE TABLE metric_week SCHEMAFULL;
DEFINE FIELD tallies ON metric_week TYPE string;
DEFINE FIELD rev ON metric_week TYPE int;
-- Id [scope]: the scope's open tickets by creation day (domain::metrics::OpenTally, JSON).
DEFINE TABLE metric_open SCHEMAFULL;
DEFINE FIELD tallies ON metric_open TYPE string;
DEFINE FIELD rev ON metric_open TYPE int;
-- What the rollups were counted with; a change means counting everything again.
DEFINE TABLE metric_meta SCHEMAFULL;
DEFINE FIELD version ON metric_meta TYPE int;
DEFINE FIELD time_zone ON metric_meta TYPE string;
DEFINE FIELD generation ON metric_meta TYPE int;
";

/// Queue counts kept in 8 shards per group: every new ticket of a group (all API tickets of one
/// department land in one) used to update one count row, so concurrent creations conflicted and
/// retried (measured with 8 and 32 API clients). A ticket draws its shard when created; readers
/// add the shards up (`domain::queue` sums rows). Redefining the view recounts existing tickets.
const V16_SHARDED_QUEUE_COUNTS: &str = "
DEFINE FIELD count_shard ON ticket TYPE option<int> DEFAULT rand::int(0, 7);
REMOVE TABLE queue_count;
DEFINE TABLE queue_count TYPE NORMAL AS
    SELECT count() AS tickets, department, state, status, assignee, count_shard FROM ticket
    GROUP BY department, state, status, assignee, count_shard;
";

/// Indexes that serve the queues' orders whole, tie-breaker included, so a page reads its 50
/// rows from the index instead of sorting every matching ticket (the planner uses an index for
/// `ORDER BY a, b` only when the index has both); and the SLA due time of open tickets alone, so
/// the breach prediction counts a time range (a range on a second index column is one-sided).
const V17_QUEUE_ORDER_INDEXES: &str = "
REMOVE INDEX ticket_state_updated ON ticket;
DEFINE INDEX ticket_state_updated ON ticket FIELDS state, updated_at, number;
DEFINE INDEX ticket_updated ON ticket FIELDS updated_at, number;
DEFINE INDEX ticket_state_created ON ticket FIELDS state, created_at, number;
DEFINE INDEX ticket_created ON ticket FIELDS created_at, number;
DEFINE FIELD open_sla_due ON ticket TYPE option<datetime> VALUE IF state = 'open' { sla_due } ELSE { NONE };
DEFINE INDEX ticket_open_sla_due ON ticket FIELDS open_sla_due;
UPDATE ticket SET open_sla_due = NONE WHERE state = 'open' AND sla_due != NONE;
";

/// Accounts made from mail, the API or an invitation store `!` (`auth::NO_PASSWORD`) until their
/// owner chooses a password, instead of the hash of a random one (an argon2 hash per new customer).
const V18_ACCOUNTS_WITHOUT_PASSWORD: &str = "
DEFINE FIELD OVERWRITE password_hash ON user TYPE string
    ASSERT $value = '!' OR string::starts_with($value, '$argon2id$');
";

/// The auto-response rate limit counted the requester's auto-responses among all mail queued in
/// the last hour (`created_at`'s index, then a filter): under load, every new ticket read every
/// alert and response of the hour. The recipient of an auto-response gets its own index. A
/// ticket's conversation (every reply) read the whole outbox for the ticket's mail.
const V19_OUTBOX_LOOKUP_INDEXES: &str = "
DEFINE INDEX outbox_ticket ON outbox FIELDS ticket;
DEFINE FIELD auto_response_to ON outbox TYPE option<string>
    VALUE IF template = 'auto_response' { recipients[0] } ELSE { NONE };
DEFINE INDEX outbox_auto_response ON outbox FIELDS auto_response_to, created_at;
UPDATE outbox SET auto_response_to = NONE
    WHERE created_at > time::now() - 1h AND template = 'auto_response';
";

/// A session's last use, for the idle timeout and the owner's list of sessions.
const V20_SESSION_LAST_USE: &str = "
DEFINE FIELD last_seen_at ON session TYPE option<datetime>;
";

/// The agent's "referred to my departments" count read every ticket: an index on the array
/// `referred` is never used for `ANYINSIDE` (SurrealDB 3.3's planner). Open tickets with a
/// referral get a flag of their own, indexed, so the count reads only those.
const V21_REFERRED_OPEN_INDEX: &str = "
DEFINE FIELD referred_open ON ticket TYPE option<bool>
    VALUE IF state = 'open' AND array::len(referred) > 0 { true } ELSE { NONE };
DEFINE INDEX ticket_referred_open ON ticket FIELDS referred_open;
UPDATE ticket SET referred_open = NONE WHERE state = 'open' AND array::len(referred) > 0;
";

/// Two-factor sign-in: a flag on the account (read with it on every request), the sealed
/// secret and hashed recovery codes beside it, and the challenges between password and code.
const V22_SECOND_FACTOR: &str = "
DEFINE FIELD two_factor ON user TYPE bool DEFAULT false;
DEFINE TABLE second_factor SCHEMAFULL;
DEFINE FIELD secret ON second_factor TYPE option<string>;
DEFINE FIELD pending ON second_factor TYPE option<string>;
DEFINE FIELD pending_until ON second_factor TYPE option<datetime>;
DEFINE FIELD last_step ON second_factor TYPE int DEFAULT 0;
DEFINE FIELD recovery_codes ON second_factor TYPE array<string> DEFAULT [];
DEFINE FIELD enabled_at ON second_factor TYPE option<datetime>;
DEFINE TABLE sign_in_challenge SCHEMAFULL;
DEFINE FIELD user ON sign_in_challenge TYPE record<user> READONLY;
DEFINE FIELD expires_at ON sign_in_challenge TYPE datetime;
DEFINE FIELD attempts ON sign_in_challenge TYPE int DEFAULT 0;
DEFINE FIELD enrol ON sign_in_challenge TYPE option<string>;
DEFINE INDEX sign_in_challenge_expiry ON sign_in_challenge FIELDS expires_at;
";

pub(super) async fn apply(store: &Store) -> Result<(), StoreError> {
    store.db.query(BOOTSTRAP).await?.check()?;
    for (version, sql) in MIGRATIONS {
        let current = current_version(store).await?;
        if current >= *version {
            continue;
        }
        // Two processes starting together race here; the loser's transaction fails and it
        // re-reads the version on its next start-up attempt through the retry below.
        let script = format!(
            "BEGIN TRANSACTION;
             IF ((SELECT VALUE version FROM ONLY schema_version:current) ?? 0) >= $version {{ THROW 'docket:migrated' }};
             {sql}
             UPSERT schema_version:current CONTENT {{ version: $version }};
             COMMIT TRANSACTION;"
        );
        let mut response = store
            .db
            .query(script)
            .bind(("version", *version))
            .bind(("default_templates", default_templates()))
            .await?;
        let errors = response.take_errors();
        if let Some((_, error)) = errors.into_iter().min_by_key(|(i, _)| *i) {
            // Another process applied it in the meantime: fine, as long as the version moved on.
            if current_version(store).await? < *version {
                return Err(error.into());
            }
        }
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}

/// The seeded email templates, one per kind, keyed by the kind.
fn default_templates() -> serde_json::Value {
    use crate::domain::mail::template::{MailTemplate, TemplateKind};
    TemplateKind::ALL
        .into_iter()
        .map(|kind| {
            let template = MailTemplate::default_for(kind);
            serde_json::json!({
                "key": kind.as_str(),
                "name": template.name,
                "definition": serde_json::to_string(&template).unwrap_or_default(),
            })
        })
        .collect()
}

async fn current_version(store: &Store) -> Result<i64, StoreError> {
    let row: Option<VersionRow> = store
        .db
        .query("SELECT version FROM ONLY schema_version:current")
        .await?
        .take(0)?;
    Ok(row.map(|r| r.version).unwrap_or(0))
}
