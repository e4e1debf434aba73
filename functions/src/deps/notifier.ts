import { SignedWebhookSender } from '../adapters/signed-webhook-sender.js';
import type { Factory } from './factory.js';

export const notifier: Factory<'notifier'> = ({ secrets, clock }) => new SignedWebhookSender(secrets, clock);
