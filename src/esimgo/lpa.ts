/** SM-DP+ addresses are bare hosts; some sources add a scheme or a trailing slash. */
export function bareHost(address: string): string {
  const trimmed = address.trim();
  if (/^LPA:1\$/i.test(trimmed)) return trimmed.split("$")[1] ?? "";
  return trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/.*$/, "");
}

export function lpaString(smdpAddress: string, matchingId: string): string {
  return `LPA:1$${bareHost(smdpAddress)}$${matchingId}`;
}

/** iOS 17.4+ one-tap install link for an LPA string. */
export function appleInstallUrl(lpa: string): string {
  return `https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${lpa}`;
}
