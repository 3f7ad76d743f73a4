/**
 * Customers and how each is known on its chat channel. This module alone writes `customers` and
 * `customer_identities`.
 */
export { SUPPORTED_LANGUAGES, toLanguage, type Language } from "./languages.ts";
export { createCustomerDirectory, type CustomerDirectory, type CustomerDirectoryOptions } from "./directory.ts";
export { ensureCustomer, eraseCustomer, findByIdentity, findCustomer, identityOf, markBlocked, markIdentityBlocked, setCustomerLanguage, type Identity } from "./store.ts";
