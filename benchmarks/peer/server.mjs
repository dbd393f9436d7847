// The peer of `make bench-peer` (issue 12): @neo4j/graphql served by graphql-yoga, over the same Neo4j and the
// same graph as our server. The typeDefs mirror our labels, relationship types and properties (graph/store/
// schema.cypher, graph/ingest/importer.py, queries/import_*.cypher); the library makes the queries, filters and
// Cypher from them. Nothing of our rules is here: status, risk, measures, accountability and masking are ours.
//
//   PORT=4000 NEO4J_URI=bolt://127.0.0.1:7687 node benchmarks/peer/server.mjs      (or: node server.mjs 4000)
//   node benchmarks/peer/server.mjs --print-schema     the generated GraphQL schema, then exit
//   node benchmarks/peer/server.mjs --versions         the versions of the peer's packages as JSON, then exit
//
// NEO4J_USER (neo4j) and NEO4J_PASSWORD (none: no authentication) as for our server; NEO4J_DATABASE if set.
// Serves POST /graphql and GET /healthz (200 once the schema is built).

import { createServer } from "node:http";
import { readFileSync } from "node:fs";

import { Neo4jGraphQL } from "@neo4j/graphql";
import { printSchema } from "graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

export const typeDefs = /* GraphQL */ `
  # A dated role (法定代表人, 主要负责人, 董监高): LEGAL_REPRESENTATIVE, PRINCIPAL, EXECUTIVE from Person to Organisation.
  type Role @relationshipProperties {
    title: String
    startOn: Date
    endOn: Date
    startKey: String
  }

  # A person named responsible on a record: RESPONSIBLE from Person to Record.
  type Responsibility @relationshipProperties {
    liability: String
  }

  type Organisation @node(labels: ["Organisation"]) @mutation(operations: []) {
    uscc: String!
    name: String!
    legalForm: String
    status: String
    address: String
    regionCode: String
    establishedOn: Date
    usccChecksumValid: Boolean
    legalRepresentatives: [Person!]!
      @relationship(type: "LEGAL_REPRESENTATIVE", direction: IN, properties: "Role")
    principals: [Person!]! @relationship(type: "PRINCIPAL", direction: IN, properties: "Role")
    executives: [Person!]! @relationship(type: "EXECUTIVE", direction: IN, properties: "Role")
    records: [Record!]! @relationship(type: "RECORD", direction: OUT)
    listEntries: [ListEntry!]! @relationship(type: "LIST_ENTRY", direction: OUT)
    events: [Event!]! @relationship(type: "EVENT", direction: OUT)
  }

  type Person @node(labels: ["Person"]) @mutation(operations: []) {
    pid: String!
    name: String!
    idType: String!
    idNumber: String!
    birthDate: Date
    male: Boolean
    legalRepresentativeOf: [Organisation!]!
      @relationship(type: "LEGAL_REPRESENTATIVE", direction: OUT, properties: "Role")
    principalOf: [Organisation!]! @relationship(type: "PRINCIPAL", direction: OUT, properties: "Role")
    executiveOf: [Organisation!]! @relationship(type: "EXECUTIVE", direction: OUT, properties: "Role")
    responsibleFor: [Record!]! @relationship(type: "RESPONSIBLE", direction: OUT, properties: "Responsibility")
  }

  type Record @node(labels: ["Record"]) @mutation(operations: []) {
    recordId: String!
    category: String!
    severity: String!
    documentNo: String
    violationType: String
    facts: String
    legalBasis: String
    penaltyTypes: [String!]
    content: String
    fineYuan: Float
    confiscatedYuan: Float
    decidedOn: Date!
    publicUntil: Date
    publicUntilBasis: String
    repairedOn: Date
    revokedOn: Date
    authorityName: String
    authorityUscc: String
    sourceName: String
    sourceUscc: String
    subjectKind: String
    subjectId: String
    organisations: [Organisation!]! @relationship(type: "RECORD", direction: IN)
    responsiblePersons: [Person!]!
      @relationship(type: "RESPONSIBLE", direction: IN, properties: "Responsibility")
  }

  type ListEntry @node(labels: ["ListEntry"]) @mutation(operations: []) {
    entryId: String!
    listType: String!
    domain: String!
    listedOn: Date!
    validUntil: Date
    validUntilBasis: String
    removedOn: Date
    reason: String
    authorityName: String
    authorityUscc: String
    recordId: String
    subjectKind: String
    subjectId: String
    basedOn: [Record!]! @relationship(type: "BASED_ON", direction: OUT)
  }

  type Measure @node(labels: ["Measure"]) @mutation(operations: []) {
    code: String!
    name: String!
    tier: String
    legalBasis: String
    listType: String!
    domain: String
    implementerName: String
    implementerUscc: String
  }

  type Event @node(labels: ["Event"]) @mutation(operations: []) {
    eventId: String!
    eventType: String!
    occurredOn: Date!
    dueOn: Date
    recordId: String
    entryId: String
    measureCode: String
  }
`;

function versions() {
  // Read from the installed packages (some do not export their package.json to require.resolve).
  const of = (name) => JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url))).version;
  return Object.fromEntries(["@neo4j/graphql", "graphql", "graphql-yoga", "neo4j-driver"].map((n) => [n, of(n)]));
}

function openDriver() {
  const uri = process.env.NEO4J_URI;
  if (!uri) throw new Error("NEO4J_URI is not set: give the Neo4j to serve, e.g. bolt://127.0.0.1:7687");
  const password = process.env.NEO4J_PASSWORD;
  const auth = password ? neo4j.auth.basic(process.env.NEO4J_USER || "neo4j", password) : undefined;
  return neo4j.driver(uri, auth, { disableLosslessIntegers: true });
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes("--versions")) {
    console.log(JSON.stringify(versions()));
    return;
  }
  const driver = args.includes("--print-schema") ? undefined : openDriver();
  const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
  if (args.includes("--print-schema")) {
    console.log(printSchema(schema));
    return;
  }
  const port = Number(args.find((a) => /^\d+$/.test(a)) ?? process.env.PORT ?? 4000);
  const database = process.env.NEO4J_DATABASE;
  const yoga = createYoga({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: false,
    logging: "warn",
    maskedErrors: false,
    // Every request reads through the one driver, in the database asked for (the default one when unset).
    context: () => (database ? { sessionConfig: { database } } : {}),
  });
  const server = createServer((req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    yoga(req, res);
  });
  const stop = () => server.close(() => driver.close().then(() => process.exit(0)));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  server.listen(port, "127.0.0.1", () => console.error(`peer: @neo4j/graphql on http://127.0.0.1:${port}/graphql`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
