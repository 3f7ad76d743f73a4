import { newId } from "./ids.ts";
import type { Charge, CheckoutSession, Metadata, PaymentIntent, Refund } from "./types.ts";

/*
 * Every field Stripe always sends, with the value a hosted card Checkout in test mode has. Fields this stand-in
 * has no feature for (tax, discounts, shipping, invoices, customers) carry Stripe's "not used" value.
 */

export interface SessionFields {
  id: string;
  created: number;
  currency: string;
  amountTotal: number;
  expiresAt: number;
  url: string;
  clientReferenceId: string | null;
  customerEmail: string | null;
  locale: CheckoutSession["locale"];
  metadata: Metadata;
  paymentMethodTypes: string[];
  successUrl: string | null;
  cancelUrl: string | null;
  allowPromotionCodes: boolean | null;
  adaptivePricing: boolean;
}

export function sessionObject(fields: SessionFields): CheckoutSession {
  return {
    id: fields.id,
    object: "checkout.session",
    adaptive_pricing: { enabled: fields.adaptivePricing },
    after_expiration: null,
    allow_promotion_codes: fields.allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: fields.amountTotal,
    amount_total: fields.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: fields.cancelUrl,
    client_reference_id: fields.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: fields.created,
    currency: fields.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_account: null,
    customer_creation: "if_required",
    customer_details: null,
    customer_email: fields.customerEmail,
    discounts: [],
    expires_at: fields.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null },
    },
    livemode: false,
    locale: fields.locale,
    managed_payments: null,
    metadata: fields.metadata,
    mode: "payment",
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: "if_required",
    payment_method_configuration_details: null,
    payment_method_options: fields.paymentMethodTypes.includes("card") ? { card: { request_three_d_secure: "automatic" } } : {},
    payment_method_types: fields.paymentMethodTypes,
    payment_status: "unpaid",
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: fields.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: fields.url,
    wallet_options: null,
  };
}

/** What the hosted page collects from the (simulated) customer. */
export function customerDetails(email: string): NonNullable<CheckoutSession["customer_details"]> {
  return {
    address: { city: null, country: "DE", line1: null, line2: null, postal_code: null, state: null },
    business_name: null,
    email,
    individual_name: null,
    name: "Sandbox Customer",
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
}

export interface PaymentIntentFields {
  created: number;
  amount: number;
  currency: string;
  description: string | null;
  metadata: Metadata;
  paymentMethodTypes: string[];
  /** Adaptive Pricing: what the buyer pays in their currency; `amount` stays in the session's. */
  presentment: { presentment_amount: number; presentment_currency: string } | null;
}

export function paymentIntentObject(fields: PaymentIntentFields): PaymentIntent {
  const id = newId.paymentIntent();
  return {
    id,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount: fields.amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: newId.clientSecret(id),
    confirmation_method: "automatic",
    created: fields.created,
    currency: fields.currency,
    customer: null,
    customer_account: null,
    description: fields.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: fields.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: newId.paymentMethod(),
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: fields.paymentMethodTypes,
    payment_record: null,
    ...(fields.presentment ? { presentment_details: { ...fields.presentment } } : {}),
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "processing",
    transfer_group: null,
  };
}

/** A successful test card charge (Visa 4242) for the whole payment intent. */
export function chargeObject(intent: PaymentIntent, created: number, billingEmail: string): Charge {
  const id = newId.charge();
  return {
    id,
    object: "charge",
    amount: intent.amount,
    amount_captured: intent.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: newId.balanceTransaction(),
    billing_details: {
      address: { city: null, country: "DE", line1: null, line2: null, postal_code: null, state: null },
      email: billingEmail,
      name: "Sandbox Customer",
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "STRIPE-SIM",
    captured: true,
    created,
    currency: intent.currency,
    customer: null,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      risk_score: 32,
      seller_message: "Payment complete.",
      type: "authorized",
    },
    paid: true,
    payment_intent: intent.id,
    ...(intent.presentment_details ? { presentment_details: { ...intent.presentment_details } } : {}),
    payment_method: intent.payment_method,
    payment_method_details: {
      card: {
        amount_authorized: intent.amount,
        authorization_code: null,
        brand: "visa",
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
        country: "US",
        exp_month: 12,
        exp_year: new Date(created * 1000).getUTCFullYear() + 3,
        electronic_commerce_indicator: null,
        funding: "credit",
        installments: null,
        last4: "4242",
        mandate: null,
        network: "visa",
        network_transaction_id: "104557651805572",
        regulated_status: "unregulated",
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
      type: "card",
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  };
}

export interface RefundFields {
  amount: number;
  charge: Charge;
  created: number;
  metadata: Metadata;
  reason: Refund["reason"];
  presentment: { presentment_amount: number; presentment_currency: string } | null;
}

/** A card refund as Stripe answers it at creation: pending until the card network settles it. */
export function refundObject(fields: RefundFields): Refund {
  return {
    id: newId.refund(),
    object: "refund",
    amount: fields.amount,
    balance_transaction: newId.balanceTransaction(),
    charge: fields.charge.id,
    created: fields.created,
    currency: fields.charge.currency,
    customer: null,
    customer_account: null,
    destination_details: { card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" },
    metadata: fields.metadata,
    payment_intent: fields.charge.payment_intent,
    payment_method: fields.charge.payment_method,
    ...(fields.presentment ? { presentment_details: { ...fields.presentment } } : {}),
    reason: fields.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "pending",
    transfer_reversal: null,
  };
}
