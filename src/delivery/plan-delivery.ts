import { deliveryFile, type DeliverySettings } from '../config/delivery.js';
import { B4BError } from '../findings/finding.js';

export interface DeliveryRequest {
  /** List names from config/delivery.yaml, by the pack variant they receive. */
  public: string[];
  restricted: string[];
}

export interface PlannedDelivery {
  list: string;
  variant: 'public' | 'restricted';
  recipients: string[];
}

/**
 * Who gets which variant. A restricted pack goes only to lists marked restricted: any other list
 * refuses the whole delivery here, before anything is sent.
 */
export function planDelivery(request: DeliveryRequest, settings: DeliverySettings, packName: string): PlannedDelivery[] {
  const plans: PlannedDelivery[] = [];
  for (const variant of ['restricted', 'public'] as const) {
    for (const list of request[variant]) {
      const entry = Object.hasOwn(settings.lists, list) ? settings.lists[list] : undefined;
      if (!entry)
        throw new B4BError(
          `the ${variant} ${packName} pack is addressed to the list "${list}", which ${deliveryFile(settings)} does not define; nothing was sent`,
        );
      if (variant === 'restricted' && !entry.restricted) {
        throw new B4BError(
          `the restricted ${packName} pack is addressed to the list "${list}", which is not marked restricted in ${deliveryFile(settings)}; ` +
            'a restricted pack goes only to restricted lists, so nothing was sent',
        );
      }
      plans.push({ list, variant, recipients: entry.addresses });
    }
  }
  return plans;
}
