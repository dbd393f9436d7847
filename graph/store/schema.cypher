// The graph schema: uniqueness on the exchange-format keys, lookup indexes, full-text over names.
// Applied at start-up; every statement is idempotent (IF NOT EXISTS).

CREATE CONSTRAINT organisation_uscc IF NOT EXISTS FOR (o:Organisation) REQUIRE o.uscc IS UNIQUE;
// Persons are keyed by (idType, idNumber); `pid` is the opaque id the API shows instead of the ID number.
CREATE CONSTRAINT person_key IF NOT EXISTS FOR (p:Person) REQUIRE (p.idType, p.idNumber) IS UNIQUE;
CREATE CONSTRAINT person_pid IF NOT EXISTS FOR (p:Person) REQUIRE p.pid IS UNIQUE;
CREATE CONSTRAINT record_id IF NOT EXISTS FOR (r:Record) REQUIRE r.recordId IS UNIQUE;
CREATE CONSTRAINT list_entry_id IF NOT EXISTS FOR (e:ListEntry) REQUIRE e.entryId IS UNIQUE;
CREATE CONSTRAINT measure_code IF NOT EXISTS FOR (m:Measure) REQUIRE m.code IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:Event) REQUIRE e.eventId IS UNIQUE;

// Lookups the API and dashboards make.
CREATE INDEX person_id_number IF NOT EXISTS FOR (p:Person) ON (p.idNumber);
CREATE INDEX organisation_region IF NOT EXISTS FOR (o:Organisation) ON (o.regionCode);
CREATE INDEX record_decided_on IF NOT EXISTS FOR (r:Record) ON (r.decidedOn);
CREATE INDEX record_category IF NOT EXISTS FOR (r:Record) ON (r.category, r.severity);
CREATE INDEX list_entry_listed_on IF NOT EXISTS FOR (e:ListEntry) ON (e.listedOn);
CREATE INDEX list_entry_type IF NOT EXISTS FOR (e:ListEntry) ON (e.listType, e.domain);
CREATE INDEX measure_trigger IF NOT EXISTS FOR (m:Measure) ON (m.listType);
CREATE INDEX event_occurred_on IF NOT EXISTS FOR (e:Event) ON (e.occurredOn);

// Names of organisations and persons, Chinese through the cjk analyzer (bigrams), Latin as words.
CREATE FULLTEXT INDEX subject_names IF NOT EXISTS FOR (n:Organisation|Person) ON EACH [n.name]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}};

// Credentials and the access log (access.md).
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.keyId IS UNIQUE;
// Access events are many (a screening of 1,000 writes 1,000) and found by subject: their eventIds are random 128
// bits, unique without a constraint, whose upkeep doubled the cost of writing them.
DROP CONSTRAINT access_event_id IF EXISTS;
CREATE INDEX access_event_subject IF NOT EXISTS FOR (e:AccessEvent) ON (e.subject, e.at);
CREATE INDEX lookup_pattern IF NOT EXISTS FOR (l:Lookup) ON (l.credentialId, l.pattern);
CREATE CONSTRAINT lookup_counter IF NOT EXISTS FOR (c:LookupCounter) REQUIRE (c.credentialId, c.pattern) IS UNIQUE;
CREATE INDEX security_event_at IF NOT EXISTS FOR (s:SecurityEvent) ON (s.at);

// Mutations (workflow.md section 5): idempotency keys, unique per credential.
CREATE CONSTRAINT idempotency_key IF NOT EXISTS FOR (k:IdempotencyKey) REQUIRE (k.credentialId, k.key) IS UNIQUE;

// Credit repair and objections (workflow.md sections 3 and 4).
CREATE CONSTRAINT repair_application_id IF NOT EXISTS FOR (a:RepairApplication) REQUIRE a.applicationId IS UNIQUE;
CREATE CONSTRAINT objection_id IF NOT EXISTS FOR (o:Objection) REQUIRE o.objectionId IS UNIQUE;
CREATE INDEX objection_target IF NOT EXISTS FOR (o:Objection) ON (o.targetId);
// The rectification gate of a repair decision finds the events naming the record.
CREATE INDEX event_record IF NOT EXISTS FOR (e:Event) ON (e.recordId);

// The joint-punishment loop (workflow.md sections 1 and 2): pushes to units, their inboxes, and the poll of
// changes that delivers them to subscribers.
CREATE CONSTRAINT push_id IF NOT EXISTS FOR (p:Push) REQUIRE p.pushId IS UNIQUE;
CREATE INDEX push_unit IF NOT EXISTS FOR (p:Push) ON (p.unitUscc, p.pushedOn);
CREATE INDEX push_changed_at IF NOT EXISTS FOR (p:Push) ON (p.changedAt);

// Dashboards (workflow.md section 6, graph/dashboard.py): the whole country's pushes up to a day and applications
// filed in a period (records by month use record_decided_on, entries list_entry_listed_on).
CREATE INDEX push_pushed_on IF NOT EXISTS FOR (p:Push) ON (p.pushedOn);
CREATE INDEX repair_application_applied_on IF NOT EXISTS FOR (a:RepairApplication) ON (a.appliedOn);
