// `validate()`: every invariant the IR promises, checked at once, every problem reported (not the
// first), so the translator's tests, the config server and a proxy refusing a push (NACK) can say
// everything that is wrong. Route tables are checked in validate-routes.ts, gateway listeners in
// validate-gateway.ts.
import type { EndpointSetIR } from './endpoints.js';
import { IR_SCHEMA, type MeshIR } from './mesh.js';
import {
  compareConsumers,
  compareEndpointPorts,
  compareEndpoints,
  compareEndpointSets,
  compareServicePorts,
  compareServices,
} from './order.js';
import type { IrProblem } from './problems.js';
import { serviceKey } from './refs.js';
import type { ServiceIR } from './service.js';
import { checkGateways } from './validate-gateway.js';
import { checkTable, type RouteCheckContext, type ServicePorts } from './validate-routes.js';
import { checkName, checkPort, checkRef, checkSortedUnique, ProblemCollector } from './validate-support.js';

// Lower-case DNS labels separated by dots, as Kubernetes accepts for a cluster domain.
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validate(ir: MeshIR): IrProblem[] {
  const problems = new ProblemCollector();
  // unknown: a proxy validates what arrived over the wire, whatever its declared type.
  const schema: unknown = ir.schema;
  const clusterDomain: unknown = ir.clusterDomain;
  if (schema !== IR_SCHEMA) {
    problems.report('schema', 'IR_UNKNOWN_SCHEMA', `schema ${JSON.stringify(schema)} is not ${IR_SCHEMA}`);
  }
  if (typeof clusterDomain !== 'string' || !DNS_NAME.test(clusterDomain)) {
    problems.report(
      'clusterDomain',
      'IR_INVALID_CLUSTER_DOMAIN',
      `${JSON.stringify(clusterDomain)} is not a lower-case DNS name`,
    );
  }
  const services = problems.list(ir.services, 'services');
  const endpoints = problems.list(ir.endpoints, 'endpoints');
  const context: RouteCheckContext = { problems, servicePorts: servicePortIndex(services) };

  checkSortedUnique(problems, services, 'services', {
    compare: compareServices,
    key: (service) => serviceKey(service.ref),
    codes: { unsorted: 'IR_UNSORTED_SERVICES', duplicate: 'IR_DUPLICATE_SERVICE' },
    what: 'service',
  });
  services.forEach((service, index) => {
    const path = `services[${index}]`;
    problems.guard(path, () => {
      checkService(service, path, context);
    });
  });

  checkSortedUnique(problems, endpoints, 'endpoints', {
    compare: compareEndpointSets,
    key: (set) => serviceKey(set.service),
    codes: { unsorted: 'IR_UNSORTED_ENDPOINT_SETS', duplicate: 'IR_DUPLICATE_ENDPOINT_SET' },
    what: 'endpoint set of',
  });
  endpoints.forEach((set, index) => {
    const path = `endpoints[${index}]`;
    problems.guard(path, () => {
      checkEndpointSet(set, path, context);
    });
  });
  // Absent when there is no GatewayClass of ours; present, every listener and table is checked.
  if (ir.gateways !== undefined) checkGateways(ir.gateways, context);
  return problems.problems;
}

/**
 * Service key → its ports, for checking what backends and endpoints point at; null when the
 * Service's ports are malformed (reported once, by the walk over services, not again by
 * everything that points at it).
 */
function servicePortIndex(services: readonly ServiceIR[]): Map<string, ServicePorts | null> {
  const index = new Map<string, ServicePorts | null>();
  for (const service of services) {
    let key: string;
    try {
      key = serviceKey(service.ref);
    } catch (err) {
      if (err instanceof TypeError) continue; // no ref: nothing can point at it
      throw err;
    }
    try {
      const ports = index.get(key) ?? { numbers: new Set<number>(), withTransport: new Set<string>() };
      for (const port of service.ports) {
        ports.numbers.add(port.port);
        ports.withTransport.add(`${port.port}/${port.transport}`);
      }
      index.set(key, ports);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      index.set(key, null);
    }
  }
  return index;
}

function checkService(service: ServiceIR, path: string, context: RouteCheckContext): void {
  const { problems } = context;
  checkRef(problems, service.ref, `${path}.ref`);
  const ports = problems.list(service.ports, `${path}.ports`);
  checkSortedUnique(problems, ports, `${path}.ports`, {
    compare: compareServicePorts,
    key: (port) => `${port.port}/${port.transport}`,
    codes: { unsorted: 'IR_UNSORTED_PORTS', duplicate: 'IR_DUPLICATE_PORT' },
    what: 'port',
  });
  ports.forEach((port, index) => {
    const portPath = `${path}.ports[${index}]`;
    checkPort(problems, port.port, `${portPath}.port`);
    if (typeof port.targetPort === 'number') checkPort(problems, port.targetPort, `${portPath}.targetPort`);
    const consumers = problems.list(port.consumers, `${portPath}.consumers`);
    if (service.headless && (port.producer !== undefined || consumers.length > 0)) {
      problems.report(
        portPath,
        'IR_HEADLESS_WITH_ROUTES',
        'a headless Service has no frontend address, so its ports cannot carry routes',
      );
    }
    if (port.producer !== undefined) checkTable(port.producer, `${portPath}.producer`, context);
    checkSortedUnique(problems, consumers, `${portPath}.consumers`, {
      compare: compareConsumers,
      key: (consumer) => consumer.namespace,
      codes: { unsorted: 'IR_UNSORTED_CONSUMERS', duplicate: 'IR_DUPLICATE_CONSUMER' },
      what: 'consumer namespace',
    });
    consumers.forEach((consumer, consumerIndex) => {
      const consumerPath = `${portPath}.consumers[${consumerIndex}]`;
      checkName(problems, consumer.namespace, `${consumerPath}.namespace`, 'namespace');
      checkTable(consumer.table, `${consumerPath}.table`, context);
    });
  });
}

function checkEndpointSet(set: EndpointSetIR, path: string, context: RouteCheckContext): void {
  const { problems } = context;
  checkRef(problems, set.service, `${path}.service`);
  const servicePorts = context.servicePorts.get(serviceKey(set.service));
  if (!context.servicePorts.has(serviceKey(set.service))) {
    problems.report(`${path}.service`, 'IR_UNKNOWN_SERVICE', `service ${serviceKey(set.service)} is not in services`);
  }
  const ports = problems.list(set.ports, `${path}.ports`);
  checkSortedUnique(problems, ports, `${path}.ports`, {
    compare: compareEndpointPorts,
    key: (port) => `${port.servicePort}/${port.transport}`,
    codes: { unsorted: 'IR_UNSORTED_ENDPOINT_PORTS', duplicate: 'IR_DUPLICATE_ENDPOINT_PORT' },
    what: 'service port',
  });
  ports.forEach((port, index) => {
    const portPath = `${path}.ports[${index}]`;
    checkPort(problems, port.servicePort, `${portPath}.servicePort`);
    if (servicePorts && !servicePorts.withTransport.has(`${port.servicePort}/${port.transport}`)) {
      problems.report(
        `${portPath}.servicePort`,
        'IR_UNKNOWN_SERVICE_PORT',
        `service ${serviceKey(set.service)} has no ${port.transport} port ${port.servicePort}`,
      );
    }
    const endpoints = problems.list(port.endpoints, `${portPath}.endpoints`);
    checkSortedUnique(problems, endpoints, `${portPath}.endpoints`, {
      compare: compareEndpoints,
      key: (endpoint) => `${endpoint.address}:${endpoint.port}`,
      codes: { unsorted: 'IR_UNSORTED_ENDPOINTS', duplicate: 'IR_DUPLICATE_ENDPOINT' },
      what: 'endpoint',
    });
    endpoints.forEach((endpoint, endpointIndex) => {
      checkPort(problems, endpoint.port, `${portPath}.endpoints[${endpointIndex}].port`);
    });
  });
}
