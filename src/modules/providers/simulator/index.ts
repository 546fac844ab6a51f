export { startSimulator } from './server.js';
export type { ActiveFault, FaultSpec, SimChangeSummary, SimLog, SimPartnerInfo, SimRequest, Simulator, SimulatorOptions, SimWebhookInfo, WebhookDelivery } from './server.js';
export type { NewCustomer, NewInvoice, NewPartner, NewServiceRequest, NewSubscription } from './build.js';
export type { SimCustomer, SimInvoice, SimServiceRequest, SimSubscription } from './model.js';
export { DEMO_PARTNERS } from './seed.js';
