// Recorded from the Stripe stand-in by test/sdk-types.test.ts; rewrite it with
// UPDATE_STRIPE_RECORDING=1 npx vitest run --project stripe-sim test/sdk-types.test.ts
// `npm run typecheck` checks every object against the stripe SDK's own type: a missing, unknown or mistyped field fails.
import type Stripe from "stripe";

export const checkoutSessionOpen = {
  "id": "cs_test_recorded001",
  "object": "checkout.session",
  "adaptive_pricing": {
    "enabled": false
  },
  "after_expiration": null,
  "allow_promotion_codes": null,
  "allowed_payment_method_types": null,
  "amount_subtotal": 1999,
  "amount_total": 1999,
  "automatic_tax": {
    "enabled": false,
    "liability": null,
    "provider": null,
    "status": null
  },
  "billing_address_collection": null,
  "cancel_url": "https://t.me/esim_shop_bot?start=cancelled_1",
  "client_reference_id": "1",
  "client_secret": null,
  "collected_information": null,
  "consent": null,
  "consent_collection": null,
  "created": 1768478400,
  "currency": "eur",
  "currency_conversion": null,
  "custom_fields": [],
  "custom_text": {
    "after_submit": null,
    "shipping_address": null,
    "submit": null,
    "terms_of_service_acceptance": null
  },
  "customer": null,
  "customer_account": null,
  "customer_creation": "if_required",
  "customer_details": null,
  "customer_email": null,
  "discounts": [],
  "expires_at": 1768482000,
  "integration_identifier": null,
  "invoice": null,
  "invoice_creation": {
    "enabled": false,
    "invoice_data": {
      "account_tax_ids": null,
      "custom_fields": null,
      "description": null,
      "footer": null,
      "issuer": null,
      "metadata": {},
      "rendering_options": null
    }
  },
  "livemode": false,
  "locale": null,
  "managed_payments": null,
  "metadata": {
    "order_id": "1"
  },
  "mode": "payment",
  "origin_context": null,
  "payment_intent": null,
  "payment_link": null,
  "payment_method_collection": "if_required",
  "payment_method_configuration_details": null,
  "payment_method_options": {
    "card": {
      "request_three_d_secure": "automatic"
    }
  },
  "payment_method_types": [
    "card"
  ],
  "payment_status": "unpaid",
  "permissions": null,
  "recovered_from": null,
  "saved_payment_method_options": null,
  "setup_intent": null,
  "shipping_address_collection": null,
  "shipping_cost": null,
  "shipping_options": [],
  "status": "open",
  "submit_type": null,
  "subscription": null,
  "success_url": "https://t.me/esim_shop_bot?start=paid_1",
  "total_details": {
    "amount_discount": 0,
    "amount_shipping": 0,
    "amount_tax": 0
  },
  "ui_mode": "hosted_page",
  "url": "http://127.0.0.1:12111/pay/cs_test_recorded001",
  "wallet_options": null
} satisfies Stripe.Checkout.Session;

export const checkoutSessionExpired = {
  "id": "cs_test_recorded001",
  "object": "checkout.session",
  "adaptive_pricing": {
    "enabled": false
  },
  "after_expiration": null,
  "allow_promotion_codes": null,
  "allowed_payment_method_types": null,
  "amount_subtotal": 1999,
  "amount_total": 1999,
  "automatic_tax": {
    "enabled": false,
    "liability": null,
    "provider": null,
    "status": null
  },
  "billing_address_collection": null,
  "cancel_url": "https://t.me/esim_shop_bot?start=cancelled_1",
  "client_reference_id": "1",
  "client_secret": null,
  "collected_information": null,
  "consent": null,
  "consent_collection": null,
  "created": 1768478400,
  "currency": "eur",
  "currency_conversion": null,
  "custom_fields": [],
  "custom_text": {
    "after_submit": null,
    "shipping_address": null,
    "submit": null,
    "terms_of_service_acceptance": null
  },
  "customer": null,
  "customer_account": null,
  "customer_creation": "if_required",
  "customer_details": null,
  "customer_email": null,
  "discounts": [],
  "expires_at": 1768482000,
  "integration_identifier": null,
  "invoice": null,
  "invoice_creation": {
    "enabled": false,
    "invoice_data": {
      "account_tax_ids": null,
      "custom_fields": null,
      "description": null,
      "footer": null,
      "issuer": null,
      "metadata": {},
      "rendering_options": null
    }
  },
  "livemode": false,
  "locale": null,
  "managed_payments": null,
  "metadata": {
    "order_id": "1"
  },
  "mode": "payment",
  "origin_context": null,
  "payment_intent": null,
  "payment_link": null,
  "payment_method_collection": "if_required",
  "payment_method_configuration_details": null,
  "payment_method_options": {
    "card": {
      "request_three_d_secure": "automatic"
    }
  },
  "payment_method_types": [
    "card"
  ],
  "payment_status": "unpaid",
  "permissions": null,
  "recovered_from": null,
  "saved_payment_method_options": null,
  "setup_intent": null,
  "shipping_address_collection": null,
  "shipping_cost": null,
  "shipping_options": [],
  "status": "expired",
  "submit_type": null,
  "subscription": null,
  "success_url": "https://t.me/esim_shop_bot?start=paid_1",
  "total_details": {
    "amount_discount": 0,
    "amount_shipping": 0,
    "amount_tax": 0
  },
  "ui_mode": "hosted_page",
  "url": null,
  "wallet_options": null
} satisfies Stripe.Checkout.Session;

export const checkoutSessionComplete = {
  "id": "cs_test_recorded002",
  "object": "checkout.session",
  "adaptive_pricing": {
    "enabled": false
  },
  "after_expiration": null,
  "allow_promotion_codes": null,
  "allowed_payment_method_types": null,
  "amount_subtotal": 1999,
  "amount_total": 1999,
  "automatic_tax": {
    "enabled": false,
    "liability": null,
    "provider": null,
    "status": null
  },
  "billing_address_collection": null,
  "cancel_url": "https://t.me/esim_shop_bot?start=cancelled_2",
  "client_reference_id": "2",
  "client_secret": null,
  "collected_information": null,
  "consent": null,
  "consent_collection": null,
  "created": 1768478400,
  "currency": "eur",
  "currency_conversion": null,
  "custom_fields": [],
  "custom_text": {
    "after_submit": null,
    "shipping_address": null,
    "submit": null,
    "terms_of_service_acceptance": null
  },
  "customer": null,
  "customer_account": null,
  "customer_creation": "if_required",
  "customer_details": {
    "address": {
      "city": null,
      "country": "DE",
      "line1": null,
      "line2": null,
      "postal_code": null,
      "state": null
    },
    "business_name": null,
    "email": "sandbox.customer@example.com",
    "individual_name": null,
    "name": "Sandbox Customer",
    "phone": null,
    "tax_exempt": "none",
    "tax_ids": []
  },
  "customer_email": null,
  "discounts": [],
  "expires_at": 1768482000,
  "integration_identifier": null,
  "invoice": null,
  "invoice_creation": {
    "enabled": false,
    "invoice_data": {
      "account_tax_ids": null,
      "custom_fields": null,
      "description": null,
      "footer": null,
      "issuer": null,
      "metadata": {},
      "rendering_options": null
    }
  },
  "livemode": false,
  "locale": null,
  "managed_payments": null,
  "metadata": {
    "order_id": "2"
  },
  "mode": "payment",
  "origin_context": null,
  "payment_intent": "pi_recorded001",
  "payment_link": null,
  "payment_method_collection": "if_required",
  "payment_method_configuration_details": null,
  "payment_method_options": {
    "card": {
      "request_three_d_secure": "automatic"
    }
  },
  "payment_method_types": [
    "card"
  ],
  "payment_status": "paid",
  "permissions": null,
  "recovered_from": null,
  "saved_payment_method_options": null,
  "setup_intent": null,
  "shipping_address_collection": null,
  "shipping_cost": null,
  "shipping_options": [],
  "status": "complete",
  "submit_type": null,
  "subscription": null,
  "success_url": "https://t.me/esim_shop_bot?start=paid_2",
  "total_details": {
    "amount_discount": 0,
    "amount_shipping": 0,
    "amount_tax": 0
  },
  "ui_mode": "hosted_page",
  "url": null,
  "wallet_options": null
} satisfies Stripe.Checkout.Session;

export const checkoutSessionExpanded = {
  "id": "cs_test_recorded002",
  "object": "checkout.session",
  "adaptive_pricing": {
    "enabled": false
  },
  "after_expiration": null,
  "allow_promotion_codes": null,
  "allowed_payment_method_types": null,
  "amount_subtotal": 1999,
  "amount_total": 1999,
  "automatic_tax": {
    "enabled": false,
    "liability": null,
    "provider": null,
    "status": null
  },
  "billing_address_collection": null,
  "cancel_url": "https://t.me/esim_shop_bot?start=cancelled_2",
  "client_reference_id": "2",
  "client_secret": null,
  "collected_information": null,
  "consent": null,
  "consent_collection": null,
  "created": 1768478400,
  "currency": "eur",
  "currency_conversion": null,
  "custom_fields": [],
  "custom_text": {
    "after_submit": null,
    "shipping_address": null,
    "submit": null,
    "terms_of_service_acceptance": null
  },
  "customer": null,
  "customer_account": null,
  "customer_creation": "if_required",
  "customer_details": {
    "address": {
      "city": null,
      "country": "DE",
      "line1": null,
      "line2": null,
      "postal_code": null,
      "state": null
    },
    "business_name": null,
    "email": "sandbox.customer@example.com",
    "individual_name": null,
    "name": "Sandbox Customer",
    "phone": null,
    "tax_exempt": "none",
    "tax_ids": []
  },
  "customer_email": null,
  "discounts": [],
  "expires_at": 1768482000,
  "integration_identifier": null,
  "invoice": null,
  "invoice_creation": {
    "enabled": false,
    "invoice_data": {
      "account_tax_ids": null,
      "custom_fields": null,
      "description": null,
      "footer": null,
      "issuer": null,
      "metadata": {},
      "rendering_options": null
    }
  },
  "livemode": false,
  "locale": null,
  "managed_payments": null,
  "metadata": {
    "order_id": "2"
  },
  "mode": "payment",
  "origin_context": null,
  "payment_intent": {
    "id": "pi_recorded001",
    "object": "payment_intent",
    "allowed_payment_method_types": null,
    "amount": 1999,
    "amount_capturable": 0,
    "amount_received": 1999,
    "application": null,
    "application_fee_amount": null,
    "automatic_payment_methods": null,
    "canceled_at": null,
    "cancellation_reason": null,
    "capture_method": "automatic_async",
    "client_secret": "pi_recorded001_secret_recorded",
    "confirmation_method": "automatic",
    "created": 1768478400,
    "currency": "eur",
    "customer": null,
    "customer_account": null,
    "description": null,
    "excluded_payment_method_types": null,
    "last_payment_error": null,
    "latest_charge": "ch_recorded001",
    "livemode": false,
    "managed_payments": null,
    "metadata": {
      "order_id": "2"
    },
    "next_action": null,
    "on_behalf_of": null,
    "payment_method": "pm_recorded001",
    "payment_method_configuration_details": null,
    "payment_method_options": {
      "card": {
        "installments": null,
        "mandate_options": null,
        "network": null,
        "request_three_d_secure": "automatic"
      }
    },
    "payment_method_types": [
      "card"
    ],
    "payment_record": null,
    "processing": null,
    "receipt_email": null,
    "review": null,
    "setup_future_usage": null,
    "shipping": null,
    "source": null,
    "statement_descriptor": null,
    "statement_descriptor_suffix": null,
    "status": "succeeded",
    "transfer_group": null
  },
  "payment_link": null,
  "payment_method_collection": "if_required",
  "payment_method_configuration_details": null,
  "payment_method_options": {
    "card": {
      "request_three_d_secure": "automatic"
    }
  },
  "payment_method_types": [
    "card"
  ],
  "payment_status": "paid",
  "permissions": null,
  "recovered_from": null,
  "saved_payment_method_options": null,
  "setup_intent": null,
  "shipping_address_collection": null,
  "shipping_cost": null,
  "shipping_options": [],
  "status": "complete",
  "submit_type": null,
  "subscription": null,
  "success_url": "https://t.me/esim_shop_bot?start=paid_2",
  "total_details": {
    "amount_discount": 0,
    "amount_shipping": 0,
    "amount_tax": 0
  },
  "ui_mode": "hosted_page",
  "url": null,
  "wallet_options": null
} satisfies Stripe.Checkout.Session;

export const paymentIntent = {
  "id": "pi_recorded001",
  "object": "payment_intent",
  "allowed_payment_method_types": null,
  "amount": 1999,
  "amount_capturable": 0,
  "amount_received": 1999,
  "application": null,
  "application_fee_amount": null,
  "automatic_payment_methods": null,
  "canceled_at": null,
  "cancellation_reason": null,
  "capture_method": "automatic_async",
  "client_secret": "pi_recorded001_secret_recorded",
  "confirmation_method": "automatic",
  "created": 1768478400,
  "currency": "eur",
  "customer": null,
  "customer_account": null,
  "description": null,
  "excluded_payment_method_types": null,
  "last_payment_error": null,
  "latest_charge": "ch_recorded001",
  "livemode": false,
  "managed_payments": null,
  "metadata": {
    "order_id": "2"
  },
  "next_action": null,
  "on_behalf_of": null,
  "payment_method": "pm_recorded001",
  "payment_method_configuration_details": null,
  "payment_method_options": {
    "card": {
      "installments": null,
      "mandate_options": null,
      "network": null,
      "request_three_d_secure": "automatic"
    }
  },
  "payment_method_types": [
    "card"
  ],
  "payment_record": null,
  "processing": null,
  "receipt_email": null,
  "review": null,
  "setup_future_usage": null,
  "shipping": null,
  "source": null,
  "statement_descriptor": null,
  "statement_descriptor_suffix": null,
  "status": "succeeded",
  "transfer_group": null
} satisfies Stripe.PaymentIntent;

export const refundSucceeded = {
  "id": "re_recorded001",
  "object": "refund",
  "amount": 500,
  "balance_transaction": "txn_recorded001",
  "charge": "ch_recorded001",
  "created": 1768478400,
  "currency": "eur",
  "customer": null,
  "customer_account": null,
  "destination_details": {
    "card": {
      "reference": "74537604231230123456789",
      "reference_status": "available",
      "reference_type": "acquirer_reference_number",
      "type": "refund"
    },
    "type": "card"
  },
  "metadata": {
    "order_id": "2",
    "attempt": "1"
  },
  "payment_intent": "pi_recorded001",
  "payment_method": "pm_recorded001",
  "reason": null,
  "receipt_number": null,
  "source_transfer_reversal": null,
  "status": "succeeded",
  "transfer_reversal": null
} satisfies Stripe.Refund;

export const refundPending = {
  "id": "re_recorded002",
  "object": "refund",
  "amount": 1499,
  "balance_transaction": "txn_recorded002",
  "charge": "ch_recorded001",
  "created": 1768478400,
  "currency": "eur",
  "customer": null,
  "customer_account": null,
  "destination_details": {
    "card": {
      "reference_status": "pending",
      "reference_type": "acquirer_reference_number",
      "type": "refund"
    },
    "type": "card"
  },
  "metadata": {
    "order_id": "2",
    "attempt": "2"
  },
  "payment_intent": "pi_recorded001",
  "payment_method": "pm_recorded001",
  "reason": null,
  "receipt_number": null,
  "source_transfer_reversal": null,
  "status": "pending",
  "transfer_reversal": null
} satisfies Stripe.Refund;

export const refundFailed = {
  "id": "re_recorded002",
  "object": "refund",
  "amount": 1499,
  "balance_transaction": "txn_recorded002",
  "charge": "ch_recorded001",
  "created": 1768478400,
  "currency": "eur",
  "customer": null,
  "customer_account": null,
  "destination_details": {
    "card": {
      "reference_status": "pending",
      "reference_type": "acquirer_reference_number",
      "type": "refund"
    },
    "type": "card"
  },
  "metadata": {
    "order_id": "2",
    "attempt": "2"
  },
  "payment_intent": "pi_recorded001",
  "payment_method": "pm_recorded001",
  "reason": null,
  "receipt_number": null,
  "source_transfer_reversal": null,
  "status": "failed",
  "transfer_reversal": null,
  "failure_reason": "expired_or_canceled_card",
  "failure_balance_transaction": "txn_recorded003"
} satisfies Stripe.Refund;

export const refundList = {
  "object": "list",
  "data": [
    {
      "id": "re_recorded001",
      "object": "refund",
      "amount": 500,
      "balance_transaction": "txn_recorded001",
      "charge": "ch_recorded001",
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "customer_account": null,
      "destination_details": {
        "card": {
          "reference": "74537604231230123456789",
          "reference_status": "available",
          "reference_type": "acquirer_reference_number",
          "type": "refund"
        },
        "type": "card"
      },
      "metadata": {
        "order_id": "2",
        "attempt": "1"
      },
      "payment_intent": "pi_recorded001",
      "payment_method": "pm_recorded001",
      "reason": null,
      "receipt_number": null,
      "source_transfer_reversal": null,
      "status": "succeeded",
      "transfer_reversal": null
    },
    {
      "id": "re_recorded002",
      "object": "refund",
      "amount": 1499,
      "balance_transaction": "txn_recorded002",
      "charge": "ch_recorded001",
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "customer_account": null,
      "destination_details": {
        "card": {
          "reference_status": "pending",
          "reference_type": "acquirer_reference_number",
          "type": "refund"
        },
        "type": "card"
      },
      "metadata": {
        "order_id": "2",
        "attempt": "2"
      },
      "payment_intent": "pi_recorded001",
      "payment_method": "pm_recorded001",
      "reason": null,
      "receipt_number": null,
      "source_transfer_reversal": null,
      "status": "failed",
      "transfer_reversal": null,
      "failure_reason": "expired_or_canceled_card",
      "failure_balance_transaction": "txn_recorded003"
    }
  ],
  "has_more": false,
  "url": "/v1/refunds"
} satisfies Stripe.ApiList<Stripe.Refund>;

export const checkoutSessionDiscountedPresented = {
  "id": "cs_test_recorded003",
  "object": "checkout.session",
  "adaptive_pricing": {
    "enabled": true
  },
  "after_expiration": null,
  "allow_promotion_codes": true,
  "allowed_payment_method_types": null,
  "amount_subtotal": 1999,
  "amount_total": 1599,
  "automatic_tax": {
    "enabled": false,
    "liability": null,
    "provider": null,
    "status": null
  },
  "billing_address_collection": null,
  "cancel_url": null,
  "client_reference_id": null,
  "client_secret": null,
  "collected_information": null,
  "consent": null,
  "consent_collection": null,
  "created": 1768478400,
  "currency": "usd",
  "currency_conversion": null,
  "custom_fields": [],
  "custom_text": {
    "after_submit": null,
    "shipping_address": null,
    "submit": null,
    "terms_of_service_acceptance": null
  },
  "customer": null,
  "customer_account": null,
  "customer_creation": "if_required",
  "customer_details": {
    "address": {
      "city": null,
      "country": "DE",
      "line1": null,
      "line2": null,
      "postal_code": null,
      "state": null
    },
    "business_name": null,
    "email": "sandbox.customer@example.com",
    "individual_name": null,
    "name": "Sandbox Customer",
    "phone": null,
    "tax_exempt": "none",
    "tax_ids": []
  },
  "customer_email": null,
  "discounts": [
    {
      "coupon": "aYpiLqqi",
      "promotion_code": "promo_recorded001"
    }
  ],
  "expires_at": 1768482000,
  "integration_identifier": null,
  "invoice": null,
  "invoice_creation": {
    "enabled": false,
    "invoice_data": {
      "account_tax_ids": null,
      "custom_fields": null,
      "description": null,
      "footer": null,
      "issuer": null,
      "metadata": {},
      "rendering_options": null
    }
  },
  "livemode": false,
  "locale": null,
  "managed_payments": null,
  "metadata": {
    "order_id": "5"
  },
  "mode": "payment",
  "origin_context": null,
  "payment_intent": {
    "id": "pi_recorded002",
    "object": "payment_intent",
    "allowed_payment_method_types": null,
    "amount": 1599,
    "amount_capturable": 0,
    "amount_received": 1599,
    "application": null,
    "application_fee_amount": null,
    "automatic_payment_methods": null,
    "canceled_at": null,
    "cancellation_reason": null,
    "capture_method": "automatic_async",
    "client_secret": "pi_recorded002_secret_recorded",
    "confirmation_method": "automatic",
    "created": 1768478400,
    "currency": "usd",
    "customer": null,
    "customer_account": null,
    "description": null,
    "excluded_payment_method_types": null,
    "last_payment_error": null,
    "latest_charge": "ch_recorded002",
    "livemode": false,
    "managed_payments": null,
    "metadata": {
      "order_id": "5"
    },
    "next_action": null,
    "on_behalf_of": null,
    "payment_method": "pm_recorded002",
    "payment_method_configuration_details": null,
    "payment_method_options": {
      "card": {
        "installments": null,
        "mandate_options": null,
        "network": null,
        "request_three_d_secure": "automatic"
      }
    },
    "payment_method_types": [
      "card"
    ],
    "payment_record": null,
    "presentment_details": {
      "presentment_amount": 1471,
      "presentment_currency": "eur"
    },
    "processing": null,
    "receipt_email": null,
    "review": null,
    "setup_future_usage": null,
    "shipping": null,
    "source": null,
    "statement_descriptor": null,
    "statement_descriptor_suffix": null,
    "status": "succeeded",
    "transfer_group": null
  },
  "payment_link": null,
  "payment_method_collection": "if_required",
  "payment_method_configuration_details": null,
  "payment_method_options": {
    "card": {
      "request_three_d_secure": "automatic"
    }
  },
  "payment_method_types": [
    "card"
  ],
  "payment_status": "paid",
  "permissions": null,
  "recovered_from": null,
  "saved_payment_method_options": null,
  "setup_intent": null,
  "shipping_address_collection": null,
  "shipping_cost": null,
  "shipping_options": [],
  "status": "complete",
  "submit_type": null,
  "subscription": null,
  "success_url": null,
  "total_details": {
    "amount_discount": 400,
    "amount_shipping": 0,
    "amount_tax": 0
  },
  "ui_mode": "hosted_page",
  "url": null,
  "wallet_options": null,
  "presentment_details": {
    "presentment_amount": 1471,
    "presentment_currency": "eur"
  }
} satisfies Stripe.Checkout.Session;

export const paymentIntentPresented = {
  "id": "pi_recorded002",
  "object": "payment_intent",
  "allowed_payment_method_types": null,
  "amount": 1599,
  "amount_capturable": 0,
  "amount_received": 1599,
  "application": null,
  "application_fee_amount": null,
  "automatic_payment_methods": null,
  "canceled_at": null,
  "cancellation_reason": null,
  "capture_method": "automatic_async",
  "client_secret": "pi_recorded002_secret_recorded",
  "confirmation_method": "automatic",
  "created": 1768478400,
  "currency": "usd",
  "customer": null,
  "customer_account": null,
  "description": null,
  "excluded_payment_method_types": null,
  "last_payment_error": null,
  "latest_charge": "ch_recorded002",
  "livemode": false,
  "managed_payments": null,
  "metadata": {
    "order_id": "5"
  },
  "next_action": null,
  "on_behalf_of": null,
  "payment_method": "pm_recorded002",
  "payment_method_configuration_details": null,
  "payment_method_options": {
    "card": {
      "installments": null,
      "mandate_options": null,
      "network": null,
      "request_three_d_secure": "automatic"
    }
  },
  "payment_method_types": [
    "card"
  ],
  "payment_record": null,
  "presentment_details": {
    "presentment_amount": 1471,
    "presentment_currency": "eur"
  },
  "processing": null,
  "receipt_email": null,
  "review": null,
  "setup_future_usage": null,
  "shipping": null,
  "source": null,
  "statement_descriptor": null,
  "statement_descriptor_suffix": null,
  "status": "succeeded",
  "transfer_group": null
} satisfies Stripe.PaymentIntent;

export const refundPresented = {
  "id": "re_recorded003",
  "object": "refund",
  "amount": 1599,
  "balance_transaction": "txn_recorded004",
  "charge": "ch_recorded002",
  "created": 1768478400,
  "currency": "usd",
  "customer": null,
  "customer_account": null,
  "destination_details": {
    "card": {
      "reference": "74537604231230123456789",
      "reference_status": "available",
      "reference_type": "acquirer_reference_number",
      "type": "refund"
    },
    "type": "card"
  },
  "metadata": {
    "order_id": "5"
  },
  "payment_intent": "pi_recorded002",
  "payment_method": "pm_recorded002",
  "presentment_details": {
    "presentment_amount": 1471,
    "presentment_currency": "eur"
  },
  "reason": null,
  "receipt_number": null,
  "source_transfer_reversal": null,
  "status": "succeeded",
  "transfer_reversal": null
} satisfies Stripe.Refund;

export const checkoutSessionExpiredEvent = {
  "id": "evt_recorded001",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "cs_test_recorded001",
      "object": "checkout.session",
      "adaptive_pricing": {
        "enabled": false
      },
      "after_expiration": null,
      "allow_promotion_codes": null,
      "allowed_payment_method_types": null,
      "amount_subtotal": 1999,
      "amount_total": 1999,
      "automatic_tax": {
        "enabled": false,
        "liability": null,
        "provider": null,
        "status": null
      },
      "billing_address_collection": null,
      "cancel_url": "https://t.me/esim_shop_bot?start=cancelled_1",
      "client_reference_id": "1",
      "client_secret": null,
      "collected_information": null,
      "consent": null,
      "consent_collection": null,
      "created": 1768478400,
      "currency": "eur",
      "currency_conversion": null,
      "custom_fields": [],
      "custom_text": {
        "after_submit": null,
        "shipping_address": null,
        "submit": null,
        "terms_of_service_acceptance": null
      },
      "customer": null,
      "customer_account": null,
      "customer_creation": "if_required",
      "customer_details": null,
      "customer_email": null,
      "discounts": [],
      "expires_at": 1768482000,
      "integration_identifier": null,
      "invoice": null,
      "invoice_creation": {
        "enabled": false,
        "invoice_data": {
          "account_tax_ids": null,
          "custom_fields": null,
          "description": null,
          "footer": null,
          "issuer": null,
          "metadata": {},
          "rendering_options": null
        }
      },
      "livemode": false,
      "locale": null,
      "managed_payments": null,
      "metadata": {
        "order_id": "1"
      },
      "mode": "payment",
      "origin_context": null,
      "payment_intent": null,
      "payment_link": null,
      "payment_method_collection": "if_required",
      "payment_method_configuration_details": null,
      "payment_method_options": {
        "card": {
          "request_three_d_secure": "automatic"
        }
      },
      "payment_method_types": [
        "card"
      ],
      "payment_status": "unpaid",
      "permissions": null,
      "recovered_from": null,
      "saved_payment_method_options": null,
      "setup_intent": null,
      "shipping_address_collection": null,
      "shipping_cost": null,
      "shipping_options": [],
      "status": "expired",
      "submit_type": null,
      "subscription": null,
      "success_url": "https://t.me/esim_shop_bot?start=paid_1",
      "total_details": {
        "amount_discount": 0,
        "amount_shipping": 0,
        "amount_tax": 0
      },
      "ui_mode": "hosted_page",
      "url": null,
      "wallet_options": null
    },
    "previous_attributes": {
      "status": "open"
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_recorded001",
    "idempotency_key": null
  },
  "type": "checkout.session.expired"
} satisfies Stripe.CheckoutSessionExpiredEvent;

export const chargeSucceededEvent = {
  "id": "evt_recorded002",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "ch_recorded001",
      "object": "charge",
      "amount": 1999,
      "amount_captured": 1999,
      "amount_refunded": 0,
      "application": null,
      "application_fee": null,
      "application_fee_amount": null,
      "balance_transaction": "txn_recorded005",
      "billing_details": {
        "address": {
          "city": null,
          "country": "DE",
          "line1": null,
          "line2": null,
          "postal_code": null,
          "state": null
        },
        "email": "sandbox.customer@example.com",
        "name": "Sandbox Customer",
        "phone": null,
        "tax_id": null
      },
      "calculated_statement_descriptor": "STRIPE-SIM",
      "captured": true,
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "description": null,
      "disputed": false,
      "failure_balance_transaction": null,
      "failure_code": null,
      "failure_message": null,
      "fraud_details": {},
      "livemode": false,
      "metadata": {
        "order_id": "2"
      },
      "on_behalf_of": null,
      "outcome": {
        "advice_code": null,
        "network_advice_code": null,
        "network_decline_code": null,
        "network_status": "approved_by_network",
        "reason": null,
        "risk_level": "normal",
        "risk_score": 32,
        "seller_message": "Payment complete.",
        "type": "authorized"
      },
      "paid": true,
      "payment_intent": "pi_recorded001",
      "payment_method": "pm_recorded001",
      "payment_method_details": {
        "card": {
          "amount_authorized": 1999,
          "authorization_code": null,
          "brand": "visa",
          "checks": {
            "address_line1_check": null,
            "address_postal_code_check": null,
            "cvc_check": "pass"
          },
          "country": "US",
          "exp_month": 12,
          "exp_year": 2029,
          "electronic_commerce_indicator": null,
          "funding": "credit",
          "installments": null,
          "last4": "4242",
          "mandate": null,
          "network": "visa",
          "network_transaction_id": "104557651805572",
          "regulated_status": "unregulated",
          "three_d_secure": null,
          "transaction_link_id": null,
          "wallet": null
        },
        "type": "card"
      },
      "receipt_email": null,
      "receipt_number": null,
      "receipt_url": "https://pay.stripe.com/receipts/payment/ch_recorded001",
      "refunded": false,
      "review": null,
      "shipping": null,
      "source": null,
      "source_transfer": null,
      "statement_descriptor": null,
      "statement_descriptor_suffix": null,
      "status": "succeeded",
      "transfer_data": null,
      "transfer_group": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": null
  },
  "type": "charge.succeeded"
} satisfies Stripe.ChargeSucceededEvent;

export const paymentIntentSucceededEvent = {
  "id": "evt_recorded003",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "pi_recorded001",
      "object": "payment_intent",
      "allowed_payment_method_types": null,
      "amount": 1999,
      "amount_capturable": 0,
      "amount_received": 1999,
      "application": null,
      "application_fee_amount": null,
      "automatic_payment_methods": null,
      "canceled_at": null,
      "cancellation_reason": null,
      "capture_method": "automatic_async",
      "client_secret": "pi_recorded001_secret_recorded",
      "confirmation_method": "automatic",
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "customer_account": null,
      "description": null,
      "excluded_payment_method_types": null,
      "last_payment_error": null,
      "latest_charge": "ch_recorded001",
      "livemode": false,
      "managed_payments": null,
      "metadata": {
        "order_id": "2"
      },
      "next_action": null,
      "on_behalf_of": null,
      "payment_method": "pm_recorded001",
      "payment_method_configuration_details": null,
      "payment_method_options": {
        "card": {
          "installments": null,
          "mandate_options": null,
          "network": null,
          "request_three_d_secure": "automatic"
        }
      },
      "payment_method_types": [
        "card"
      ],
      "payment_record": null,
      "processing": null,
      "receipt_email": null,
      "review": null,
      "setup_future_usage": null,
      "shipping": null,
      "source": null,
      "statement_descriptor": null,
      "statement_descriptor_suffix": null,
      "status": "succeeded",
      "transfer_group": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": null
  },
  "type": "payment_intent.succeeded"
} satisfies Stripe.PaymentIntentSucceededEvent;

export const checkoutSessionCompletedEvent = {
  "id": "evt_recorded004",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "cs_test_recorded002",
      "object": "checkout.session",
      "adaptive_pricing": {
        "enabled": false
      },
      "after_expiration": null,
      "allow_promotion_codes": null,
      "allowed_payment_method_types": null,
      "amount_subtotal": 1999,
      "amount_total": 1999,
      "automatic_tax": {
        "enabled": false,
        "liability": null,
        "provider": null,
        "status": null
      },
      "billing_address_collection": null,
      "cancel_url": "https://t.me/esim_shop_bot?start=cancelled_2",
      "client_reference_id": "2",
      "client_secret": null,
      "collected_information": null,
      "consent": null,
      "consent_collection": null,
      "created": 1768478400,
      "currency": "eur",
      "currency_conversion": null,
      "custom_fields": [],
      "custom_text": {
        "after_submit": null,
        "shipping_address": null,
        "submit": null,
        "terms_of_service_acceptance": null
      },
      "customer": null,
      "customer_account": null,
      "customer_creation": "if_required",
      "customer_details": {
        "address": {
          "city": null,
          "country": "DE",
          "line1": null,
          "line2": null,
          "postal_code": null,
          "state": null
        },
        "business_name": null,
        "email": "sandbox.customer@example.com",
        "individual_name": null,
        "name": "Sandbox Customer",
        "phone": null,
        "tax_exempt": "none",
        "tax_ids": []
      },
      "customer_email": null,
      "discounts": [],
      "expires_at": 1768482000,
      "integration_identifier": null,
      "invoice": null,
      "invoice_creation": {
        "enabled": false,
        "invoice_data": {
          "account_tax_ids": null,
          "custom_fields": null,
          "description": null,
          "footer": null,
          "issuer": null,
          "metadata": {},
          "rendering_options": null
        }
      },
      "livemode": false,
      "locale": null,
      "managed_payments": null,
      "metadata": {
        "order_id": "2"
      },
      "mode": "payment",
      "origin_context": null,
      "payment_intent": "pi_recorded001",
      "payment_link": null,
      "payment_method_collection": "if_required",
      "payment_method_configuration_details": null,
      "payment_method_options": {
        "card": {
          "request_three_d_secure": "automatic"
        }
      },
      "payment_method_types": [
        "card"
      ],
      "payment_status": "paid",
      "permissions": null,
      "recovered_from": null,
      "saved_payment_method_options": null,
      "setup_intent": null,
      "shipping_address_collection": null,
      "shipping_cost": null,
      "shipping_options": [],
      "status": "complete",
      "submit_type": null,
      "subscription": null,
      "success_url": "https://t.me/esim_shop_bot?start=paid_2",
      "total_details": {
        "amount_discount": 0,
        "amount_shipping": 0,
        "amount_tax": 0
      },
      "ui_mode": "hosted_page",
      "url": null,
      "wallet_options": null
    },
    "previous_attributes": {
      "status": "open"
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": null
  },
  "type": "checkout.session.completed"
} satisfies Stripe.CheckoutSessionCompletedEvent;

export const refundCreatedEvent = {
  "id": "evt_recorded005",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "re_recorded001",
      "object": "refund",
      "amount": 500,
      "balance_transaction": "txn_recorded001",
      "charge": "ch_recorded001",
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "customer_account": null,
      "destination_details": {
        "card": {
          "reference": "74537604231230123456789",
          "reference_status": "available",
          "reference_type": "acquirer_reference_number",
          "type": "refund"
        },
        "type": "card"
      },
      "metadata": {
        "order_id": "2",
        "attempt": "1"
      },
      "payment_intent": "pi_recorded001",
      "payment_method": "pm_recorded001",
      "reason": null,
      "receipt_number": null,
      "source_transfer_reversal": null,
      "status": "succeeded",
      "transfer_reversal": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_recorded002",
    "idempotency_key": null
  },
  "type": "refund.created"
} satisfies Stripe.RefundCreatedEvent;

export const chargeRefundedEvent = {
  "id": "evt_recorded006",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "ch_recorded001",
      "object": "charge",
      "amount": 1999,
      "amount_captured": 1999,
      "amount_refunded": 500,
      "application": null,
      "application_fee": null,
      "application_fee_amount": null,
      "balance_transaction": "txn_recorded005",
      "billing_details": {
        "address": {
          "city": null,
          "country": "DE",
          "line1": null,
          "line2": null,
          "postal_code": null,
          "state": null
        },
        "email": "sandbox.customer@example.com",
        "name": "Sandbox Customer",
        "phone": null,
        "tax_id": null
      },
      "calculated_statement_descriptor": "STRIPE-SIM",
      "captured": true,
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "description": null,
      "disputed": false,
      "failure_balance_transaction": null,
      "failure_code": null,
      "failure_message": null,
      "fraud_details": {},
      "livemode": false,
      "metadata": {
        "order_id": "2"
      },
      "on_behalf_of": null,
      "outcome": {
        "advice_code": null,
        "network_advice_code": null,
        "network_decline_code": null,
        "network_status": "approved_by_network",
        "reason": null,
        "risk_level": "normal",
        "risk_score": 32,
        "seller_message": "Payment complete.",
        "type": "authorized"
      },
      "paid": true,
      "payment_intent": "pi_recorded001",
      "payment_method": "pm_recorded001",
      "payment_method_details": {
        "card": {
          "amount_authorized": 1999,
          "authorization_code": null,
          "brand": "visa",
          "checks": {
            "address_line1_check": null,
            "address_postal_code_check": null,
            "cvc_check": "pass"
          },
          "country": "US",
          "exp_month": 12,
          "exp_year": 2029,
          "electronic_commerce_indicator": null,
          "funding": "credit",
          "installments": null,
          "last4": "4242",
          "mandate": null,
          "network": "visa",
          "network_transaction_id": "104557651805572",
          "regulated_status": "unregulated",
          "three_d_secure": null,
          "transaction_link_id": null,
          "wallet": null
        },
        "type": "card"
      },
      "receipt_email": null,
      "receipt_number": null,
      "receipt_url": "https://pay.stripe.com/receipts/payment/ch_recorded001",
      "refunded": false,
      "review": null,
      "shipping": null,
      "source": null,
      "source_transfer": null,
      "statement_descriptor": null,
      "statement_descriptor_suffix": null,
      "status": "succeeded",
      "transfer_data": null,
      "transfer_group": null
    },
    "previous_attributes": {
      "amount_refunded": 0,
      "refunded": false
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_recorded002",
    "idempotency_key": null
  },
  "type": "charge.refunded"
} satisfies Stripe.ChargeRefundedEvent;

export const refundUpdatedEvent = {
  "id": "evt_recorded007",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "re_recorded001",
      "object": "refund",
      "amount": 500,
      "balance_transaction": "txn_recorded001",
      "charge": "ch_recorded001",
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "customer_account": null,
      "destination_details": {
        "card": {
          "reference": "74537604231230123456789",
          "reference_status": "available",
          "reference_type": "acquirer_reference_number",
          "type": "refund"
        },
        "type": "card"
      },
      "metadata": {
        "order_id": "2",
        "attempt": "1"
      },
      "payment_intent": "pi_recorded001",
      "payment_method": "pm_recorded001",
      "reason": null,
      "receipt_number": null,
      "source_transfer_reversal": null,
      "status": "succeeded",
      "transfer_reversal": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_recorded002",
    "idempotency_key": null
  },
  "type": "refund.updated"
} satisfies Stripe.RefundUpdatedEvent;

export const refundFailedEvent = {
  "id": "evt_recorded008",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "re_recorded002",
      "object": "refund",
      "amount": 1499,
      "balance_transaction": "txn_recorded002",
      "charge": "ch_recorded001",
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "customer_account": null,
      "destination_details": {
        "card": {
          "reference_status": "pending",
          "reference_type": "acquirer_reference_number",
          "type": "refund"
        },
        "type": "card"
      },
      "metadata": {
        "order_id": "2",
        "attempt": "2"
      },
      "payment_intent": "pi_recorded001",
      "payment_method": "pm_recorded001",
      "reason": null,
      "receipt_number": null,
      "source_transfer_reversal": null,
      "status": "failed",
      "transfer_reversal": null,
      "failure_reason": "expired_or_canceled_card",
      "failure_balance_transaction": "txn_recorded003"
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": null
  },
  "type": "refund.failed"
} satisfies Stripe.RefundFailedEvent;

export const checkoutSessionAsyncPaymentSucceededEvent = {
  "id": "evt_recorded009",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "cs_test_recorded004",
      "object": "checkout.session",
      "adaptive_pricing": {
        "enabled": false
      },
      "after_expiration": null,
      "allow_promotion_codes": null,
      "allowed_payment_method_types": null,
      "amount_subtotal": 1999,
      "amount_total": 1999,
      "automatic_tax": {
        "enabled": false,
        "liability": null,
        "provider": null,
        "status": null
      },
      "billing_address_collection": null,
      "cancel_url": "https://t.me/esim_shop_bot?start=cancelled_3",
      "client_reference_id": "3",
      "client_secret": null,
      "collected_information": null,
      "consent": null,
      "consent_collection": null,
      "created": 1768478400,
      "currency": "eur",
      "currency_conversion": null,
      "custom_fields": [],
      "custom_text": {
        "after_submit": null,
        "shipping_address": null,
        "submit": null,
        "terms_of_service_acceptance": null
      },
      "customer": null,
      "customer_account": null,
      "customer_creation": "if_required",
      "customer_details": {
        "address": {
          "city": null,
          "country": "DE",
          "line1": null,
          "line2": null,
          "postal_code": null,
          "state": null
        },
        "business_name": null,
        "email": "sandbox.customer@example.com",
        "individual_name": null,
        "name": "Sandbox Customer",
        "phone": null,
        "tax_exempt": "none",
        "tax_ids": []
      },
      "customer_email": null,
      "discounts": [],
      "expires_at": 1768482000,
      "integration_identifier": null,
      "invoice": null,
      "invoice_creation": {
        "enabled": false,
        "invoice_data": {
          "account_tax_ids": null,
          "custom_fields": null,
          "description": null,
          "footer": null,
          "issuer": null,
          "metadata": {},
          "rendering_options": null
        }
      },
      "livemode": false,
      "locale": null,
      "managed_payments": null,
      "metadata": {
        "order_id": "3"
      },
      "mode": "payment",
      "origin_context": null,
      "payment_intent": "pi_recorded003",
      "payment_link": null,
      "payment_method_collection": "if_required",
      "payment_method_configuration_details": null,
      "payment_method_options": {
        "card": {
          "request_three_d_secure": "automatic"
        }
      },
      "payment_method_types": [
        "card"
      ],
      "payment_status": "paid",
      "permissions": null,
      "recovered_from": null,
      "saved_payment_method_options": null,
      "setup_intent": null,
      "shipping_address_collection": null,
      "shipping_cost": null,
      "shipping_options": [],
      "status": "complete",
      "submit_type": null,
      "subscription": null,
      "success_url": "https://t.me/esim_shop_bot?start=paid_3",
      "total_details": {
        "amount_discount": 0,
        "amount_shipping": 0,
        "amount_tax": 0
      },
      "ui_mode": "hosted_page",
      "url": null,
      "wallet_options": null
    },
    "previous_attributes": {
      "payment_status": "unpaid"
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": null
  },
  "type": "checkout.session.async_payment_succeeded"
} satisfies Stripe.CheckoutSessionAsyncPaymentSucceededEvent;

export const paymentIntentPaymentFailedEvent = {
  "id": "evt_recorded010",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "pi_recorded004",
      "object": "payment_intent",
      "allowed_payment_method_types": null,
      "amount": 1999,
      "amount_capturable": 0,
      "amount_received": 0,
      "application": null,
      "application_fee_amount": null,
      "automatic_payment_methods": null,
      "canceled_at": null,
      "cancellation_reason": null,
      "capture_method": "automatic_async",
      "client_secret": "pi_recorded004_secret_recorded",
      "confirmation_method": "automatic",
      "created": 1768478400,
      "currency": "eur",
      "customer": null,
      "customer_account": null,
      "description": null,
      "excluded_payment_method_types": null,
      "last_payment_error": null,
      "latest_charge": null,
      "livemode": false,
      "managed_payments": null,
      "metadata": {
        "order_id": "4"
      },
      "next_action": null,
      "on_behalf_of": null,
      "payment_method": "pm_recorded003",
      "payment_method_configuration_details": null,
      "payment_method_options": {
        "card": {
          "installments": null,
          "mandate_options": null,
          "network": null,
          "request_three_d_secure": "automatic"
        }
      },
      "payment_method_types": [
        "card"
      ],
      "payment_record": null,
      "processing": null,
      "receipt_email": null,
      "review": null,
      "setup_future_usage": null,
      "shipping": null,
      "source": null,
      "statement_descriptor": null,
      "statement_descriptor_suffix": null,
      "status": "requires_payment_method",
      "transfer_group": null
    },
    "previous_attributes": {
      "status": "processing"
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": null
  },
  "type": "payment_intent.payment_failed"
} satisfies Stripe.PaymentIntentPaymentFailedEvent;

export const checkoutSessionAsyncPaymentFailedEvent = {
  "id": "evt_recorded011",
  "object": "event",
  "api_version": "2026-10-28.endive",
  "created": 1768478400,
  "data": {
    "object": {
      "id": "cs_test_recorded005",
      "object": "checkout.session",
      "adaptive_pricing": {
        "enabled": false
      },
      "after_expiration": null,
      "allow_promotion_codes": null,
      "allowed_payment_method_types": null,
      "amount_subtotal": 1999,
      "amount_total": 1999,
      "automatic_tax": {
        "enabled": false,
        "liability": null,
        "provider": null,
        "status": null
      },
      "billing_address_collection": null,
      "cancel_url": "https://t.me/esim_shop_bot?start=cancelled_4",
      "client_reference_id": "4",
      "client_secret": null,
      "collected_information": null,
      "consent": null,
      "consent_collection": null,
      "created": 1768478400,
      "currency": "eur",
      "currency_conversion": null,
      "custom_fields": [],
      "custom_text": {
        "after_submit": null,
        "shipping_address": null,
        "submit": null,
        "terms_of_service_acceptance": null
      },
      "customer": null,
      "customer_account": null,
      "customer_creation": "if_required",
      "customer_details": {
        "address": {
          "city": null,
          "country": "DE",
          "line1": null,
          "line2": null,
          "postal_code": null,
          "state": null
        },
        "business_name": null,
        "email": "sandbox.customer@example.com",
        "individual_name": null,
        "name": "Sandbox Customer",
        "phone": null,
        "tax_exempt": "none",
        "tax_ids": []
      },
      "customer_email": null,
      "discounts": [],
      "expires_at": 1768482000,
      "integration_identifier": null,
      "invoice": null,
      "invoice_creation": {
        "enabled": false,
        "invoice_data": {
          "account_tax_ids": null,
          "custom_fields": null,
          "description": null,
          "footer": null,
          "issuer": null,
          "metadata": {},
          "rendering_options": null
        }
      },
      "livemode": false,
      "locale": null,
      "managed_payments": null,
      "metadata": {
        "order_id": "4"
      },
      "mode": "payment",
      "origin_context": null,
      "payment_intent": "pi_recorded004",
      "payment_link": null,
      "payment_method_collection": "if_required",
      "payment_method_configuration_details": null,
      "payment_method_options": {
        "card": {
          "request_three_d_secure": "automatic"
        }
      },
      "payment_method_types": [
        "card"
      ],
      "payment_status": "unpaid",
      "permissions": null,
      "recovered_from": null,
      "saved_payment_method_options": null,
      "setup_intent": null,
      "shipping_address_collection": null,
      "shipping_cost": null,
      "shipping_options": [],
      "status": "complete",
      "submit_type": null,
      "subscription": null,
      "success_url": "https://t.me/esim_shop_bot?start=paid_4",
      "total_details": {
        "amount_discount": 0,
        "amount_shipping": 0,
        "amount_tax": 0
      },
      "ui_mode": "hosted_page",
      "url": null,
      "wallet_options": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": null
  },
  "type": "checkout.session.async_payment_failed"
} satisfies Stripe.CheckoutSessionAsyncPaymentFailedEvent;
