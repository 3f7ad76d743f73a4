/** The activation code a QR carries: LPA:1$<SM-DP+ host>$<matching id> (the simulator's hosts are bare). */
export function lpaString(smdpAddress: string, matchingId: string): string {
  return `LPA:1$${smdpAddress}$${matchingId}`;
}

/** iOS 17.4+ one-tap install link for an LPA string, as eSIM Go's `appleInstallUrl`. */
export function appleInstallUrl(lpa: string): string {
  return `https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${lpa}`;
}
