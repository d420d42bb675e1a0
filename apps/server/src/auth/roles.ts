import { FULL_ACCESS } from './auth-context.js';

/**
 * OrderCloud's ApiRole names (ordercloud-javascript-sdk v12 models/ApiRole.d.ts). Any other scope word is a
 * custom role: it grants no API access and is carried in tokens only for the application's own use.
 */
export const API_ROLES: ReadonlySet<string> = new Set([
  'AddressAdmin',
  'AddressReader',
  'AdminAddressAdmin',
  'AdminAddressReader',
  'AdminUserAdmin',
  'AdminUserGroupAdmin',
  'AdminUserGroupReader',
  'AdminUserReader',
  'ApiClientAdmin',
  'ApiClientReader',
  'ApprovalRuleAdmin',
  'ApprovalRuleReader',
  'BundleAdmin',
  'BundleAssignmentAdmin',
  'BundleReader',
  'BuyerAdmin',
  'BuyerImpersonation',
  'BuyerReader',
  'BuyerUserAdmin',
  'BuyerUserReader',
  'CatalogAdmin',
  'CatalogReader',
  'CategoryAdmin',
  'CategoryReader',
  'CostCenterAdmin',
  'CostCenterReader',
  'CreditCardAdmin',
  'CreditCardReader',
  'FullAccess',
  'IncrementorAdmin',
  'IncrementorReader',
  'InventoryAdmin',
  'LocaleAdmin',
  'LocaleReader',
  'MeAddressAdmin',
  'MeAdmin',
  'MeCreditCardAdmin',
  'MessageConfigAssignmentAdmin',
  'MeSupplierAddressAdmin',
  'MeSupplierAdmin',
  'MeSupplierUserAdmin',
  'MeXpAdmin',
  'OrderAdmin',
  'OrderReader',
  'OverrideShipping',
  'OverrideTax',
  'OverrideUnitPrice',
  'PasswordReset',
  'PriceScheduleAdmin',
  'PriceScheduleReader',
  'ProductAdmin',
  'ProductAssignmentAdmin',
  'ProductFacetAdmin',
  'ProductFacetReader',
  'ProductReader',
  'PromotionAdmin',
  'PromotionReader',
  'SecurityProfileAdmin',
  'SecurityProfileReader',
  'SetSecurityProfile',
  'ShipmentAdmin',
  'ShipmentReader',
  'Shopper',
  'SpendingAccountAdmin',
  'SpendingAccountReader',
  'SupplierAddressAdmin',
  'SupplierAddressReader',
  'SupplierAdmin',
  'SupplierReader',
  'SupplierUserAdmin',
  'SupplierUserGroupAdmin',
  'SupplierUserGroupReader',
  'SupplierUserReader',
  'UnsubmittedOrderReader',
  'UserGroupAdmin',
  'UserGroupReader',
]);

/** Splits an RFC 6749 `scope` into distinct words; empty and absent mean no scope. */
export function parseScope(scope: string | undefined): string[] | null {
  if (scope === undefined) return null;
  const words = [...new Set(scope.split(' ').filter((word) => word !== ''))];
  return words.length === 0 ? null : words;
}

/**
 * The roles a token gets: with no scope, every role held; otherwise the requested roles that are held. FullAccess
 * holds every ApiRole (so a FullAccess client may ask for a narrower token) but no custom role. Unknown or
 * unheld words are dropped, never an error.
 */
export function grantRoles(held: readonly string[], requested: readonly string[] | null): string[] {
  if (requested === null) return [...new Set(held)];
  const fullAccess = held.includes(FULL_ACCESS);
  return requested.filter((role) => held.includes(role) || (fullAccess && API_ROLES.has(role)));
}
