/**
 * Stripe's presentment currencies and its published minimum charge amounts
 * (docs.stripe.com/currencies, "Supported presentment currencies" and "Minimum and maximum charge amounts").
 */
export const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set(
  (
    "usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp cny cop crc " +
    "cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jpy kes kgs khr " +
    "kmf krw kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd pab pen pgk " +
    "php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs top try ttd twd tzs uah ugx uyu uzs " +
    "vnd vuv wst xaf xcd xcg xof xpf yer zar zmw"
  ).split(" "),
);

/** Minor units; the same minimum applies to every payment method. */
export const MINIMUM_CHARGE_MINOR: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
};

/** Stripe's amounts are at most eight digits of minor units. */
export const MAXIMUM_AMOUNT_MINOR = 99_999_999;
