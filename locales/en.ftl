## Every text a customer or operator sees. Keep the keys identical in en.ftl, ru.ftl and tr.ftl.

sandbox-marker = 🧪 SANDBOX — test mode, no real money

## Main menu

welcome =
    👋 Hello, { $name }!
    I sell travel eSIMs: mobile data abroad, installed in minutes, no roaming bills.
    Type the country you are going to (for example “Germany”) or choose below.
menu-title = What would you like to do? You can also just type a country name.
menu-buy = 🛒 Buy an eSIM
menu-my-esims = 📱 My eSIMs
menu-help = ❓ Help
menu-language = 🌐 Language
btn-menu = « Main menu
btn-back = « Back
btn-prev = ‹ Back
btn-next = Next ›

## Finding a destination

buy-title = Where are you travelling? Type a country name (for example “Germany”), send its flag 🇩🇪, or pick one below:
buy-by-region = 🗺 Browse by region
regions-title = Choose a region:
region-title = { $region }: choose a country ({ $page }/{ $pages })
search-ambiguous = Did you mean one of these?
search-nothing = I could not find a country called “{ $query }”. Check the spelling or pick a popular destination:
search-no-offers = Sorry, we have no eSIM plans for { $flag } { $country } yet. Popular destinations:
shop-unavailable = The shop is being updated right now. Please try again in a few minutes.

## Plans of a country

offers-title = { $flag } { $country }: eSIM plans ({ $page }/{ $pages })
offers-legend-local = { $flag } works in { $country } only
offers-legend-regional = 🌍 regional plans also work in nearby countries
offers-legend-global = 🌐 global plans work in many countries worldwide
offers-choose = Pick a plan to see the details:
chooser-trip = { $flag } { $country }: how long is your trip?
chooser-trip-w = Up to a week
chooser-trip-f = Up to 2 weeks
chooser-trip-m = Up to a month
chooser-trip-l = Longer than a month
chooser-data = { $flag } { $country }, { $trip }: how much data will you use?
chooser-data-s = A little: maps, chats (1 GB+)
chooser-data-m = Some: social, photos (5 GB+)
chooser-data-l = A lot: video, hotspot (20 GB+)
chooser-data-u = Unlimited
chooser-best = { $flag } { $country }, { $trip }, { $data }: the best plans, cheapest first. Pick one to see the details:
chooser-none = { $flag } { $country }: no plan fits { $trip } and { $data }. Try other answers, or see all plans:
btn-all-plans = 📋 All plans
btn-other-answers = « Other answers
offer-button-local = { $flag } { $data } · { $days } · { $price }
offer-button-regional = 🌍 { $region } ({ $count }) · { $data } · { $days } · { $price }
offer-button-global = 🌐 { $data } · { $days } · { $price }
data-unlimited = Unlimited
data-gb = { $amount } GB
data-mb = { $amount } MB
days =
    { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
scope-local = { $country } only
scope-regional =
    { $region }, { $count ->
        [one] { $count } country
       *[other] { $count } countries
    }
scope-global =
    Global, { $count ->
        [one] { $count } country
       *[other] { $count } countries
    }
plan-title = { $data }, { $days } — { $scope }

## Plan details and confirmation

details =
    { $flag } { $title }

    📦 Data: { $data }
    📅 Valid for: { $days }
    🌍 Works in: { $coverage }
    📶 Speed: { $speed }
    ⏱ { $start }
    💳 Price: { $price }
details-more = and { $count } more
details-starts-first-use = The validity starts when you first connect in a covered country.
details-starts-now = The validity starts as soon as the plan is activated.
details-speed-unknown = best available
btn-buy = 🛒 Buy for { $price }
btn-back-offers = « Back to plans
confirm =
    Please check your order:

    📍 Destination: { $destination }
    📦 Plan: { $plan }
    📅 Valid for: { $days }
    💳 Price: { $price }

    ⚠️ Your phone must support eSIM and be carrier-unlocked.
confirm-topup =
    Please check your top-up:

    📱 eSIM: …{ $iccid }
    📦 Plan: { $plan }
    📅 Valid for: { $days }
    💳 Price: { $price }

    The plan is added to the eSIM you already have: no new QR code needed.
btn-pay = ✅ Pay { $price }
btn-pay-card = ✅ Pay { $price } by card
btn-pay-stars = Pay { $stars }
confirm-stars-price = ⭐ Or in Telegram Stars: { $stars }
stars-invoice-label = eSIM
stars-invoice-description = { $plan }. Payable until { $expires }. Your eSIM arrives in this chat right after the payment.
stars-refused-price-changed = The price of this plan has changed. Nothing was charged: please open the plan again for a new invoice.
stars-refused-paid = This order is already paid. Nothing more was charged.
stars-refused-expired = This invoice has expired. Nothing was charged: please choose the plan again.
stars-refused-not-yours = This invoice is not yours. Nothing was charged: please choose a plan in your own chat with the bot.
stars-not-stored-refunded = We could not take your payment just now, so your Stars were given back. Please try again in a minute.
stars-not-stored = We could not record your payment just now. Nothing is lost: write /paysupport and we will refund or deliver it.
btn-change = ✏️ Change
bundle-gone = This plan is no longer available. Please choose another one.
button-expired = This button has expired. Please start again from the menu.

## Checkout

checkout-link =
    Your payment link is ready: { $price } for { $plan }.
    Pay securely with Stripe. The link is valid until { $expires }.
    After the payment your eSIM arrives right here in this chat.
checkout-link-reused =
    You already have an unpaid order for this plan. Here is its payment link again: { $price } for { $plan }.
    The link is valid until { $expires }.
btn-pay-link = 💳 Pay { $price }
checkout-price-changed = The price of this plan has just changed to { $price }. Do you want to continue at the new price?
btn-confirm-price = ✅ Continue for { $price }
btn-cancel = ✖️ Cancel
checkout-cancelled = OK, nothing was charged. You can choose another plan any time.
checkout-unavailable-withdrawn = Sorry, this plan has just been withdrawn by the provider. Nothing was charged — please choose another plan.
checkout-unavailable-balance = Sorry, this plan cannot be sold right now. Nothing was charged. We have been notified; please try again later or choose another plan.
checkout-unavailable-provider = Our eSIM provider is not responding right now. Nothing was charged — please try again in a few minutes.
checkout-incompatible = This plan cannot be added to that eSIM. Please choose another top-up.
checkout-not-yours = That eSIM is not in your account.
checkout-limit-open-links = You already have 3 unpaid payment links. Pay one of them, or wait until one expires, then try again.
checkout-limit-rate = That was a lot of checkouts in a minute. Please wait a minute, then try again.
checkout-failed = Sorry, the payment link could not be created. Nothing was charged — please try again in a few minutes.
start-paid = ✅ Thank you! The payment for order #{ $order } was received. Your eSIM is on its way — it usually arrives within a minute.
start-paid-delivered = ✅ Order #{ $order } has been delivered. You will find it under My eSIMs.
start-paid-pending = ⏳ We are waiting for the payment confirmation of order #{ $order }. Your eSIM will arrive here as soon as it is confirmed.
start-cancelled = The payment for order #{ $order } was cancelled. Nothing was charged.
start-order-unknown = I could not find that order. Here is the main menu.
btn-pay-again = 💳 Pay again
order-not-payable = Order #{ $order } cannot be paid any more. Please choose a plan again.

## My eSIMs

my-esims-empty = You have no eSIMs yet. Buy one and it will appear here.
my-esims-title = 📱 Your eSIMs ({ $total }), newest first ({ $page }/{ $pages }). Tap one for details:
esim-list-line = { $index }. { $bundle } · …{ $iccid } · { $status }
esim-button = { $index }. { $bundle } · …{ $iccid }
esim-card =
    📱 { $bundle }
    ICCID: { $iccid }
    Order #{ $order } · { $status }

    { $usage }
esim-status =
    { $status ->
        [delivered] ✅ install details sent
        [ready] ✅ ready
        [failed] ❌ failed
       *[other] ⏳ being prepared
    }
usage-line = { $name }: { $remaining } left of { $initial }
usage-line-unlimited = { $name }: unlimited data
usage-days-left =
    { $days ->
        [0] expires today
        [one] { $days } day left
       *[other] { $days } days left
    }
usage-none = No usage data yet: it appears after the eSIM connects for the first time.
usage-stale = ⚠️ Live data is unavailable right now; these are the last known figures from { $time }.
usage-checked = Updated { $time }.
usage-unavailable = Usage is not available right now. Please try again later.
btn-resend-qr = 📷 QR code & install details
btn-refresh-usage = 🔄 Refresh usage
btn-top-up = ➕ Top up
btn-back-esims = « My eSIMs
topup-title = ➕ Top up { $bundle } (…{ $iccid }). Choose a plan:
topup-none = No top-up plans are available for this eSIM right now.
esim-not-found = I could not find that eSIM in your account.
resend-unavailable = The install details of this eSIM are not available yet. Please try again in a minute.
usage-refreshed = Usage updated

## Help and language

help =
    ❓ How it works
    1. Type your destination and choose a plan.
    2. Pay with the secure Stripe link.
    3. Your eSIM arrives here as a QR code with one-tap install buttons.

    📲 Installing
    • Install while you are on Wi-Fi, ideally before you travel.
    • iPhone: Settings → Mobile Service → Add eSIM. Android: Settings → Network & internet → SIMs → Add eSIM.
    • Scan the QR code from another screen — a phone cannot scan its own screen. On the same phone use the install button or type the SM-DP+ address and activation code.

    🛠 Data not working?
    • Turn on data roaming for the eSIM line.
    • Choose the eSIM for mobile data.
    • Restart the phone, or pick a network manually.
    • Check the remaining data in My eSIMs.

    💸 Refunds
    { $policy }
paysupport =
    💳 Help with a payment
    For any question about a payment in Telegram Stars or by card, write to us: Telegram's own support cannot help with purchases from this bot.
    If we cannot deliver your eSIM, the payment comes back automatically, in Stars when you paid in Stars.
    { $policy }
help-support = 💬 Support: { $contact }
language-choose = Choose your language:
language-set = ✅ The language is now English.

## Fallbacks

unknown-command = I don't know that command. Use /start for the menu or /help for help.
unknown-message = I understand country names, buttons and commands. Type where you are travelling (for example “Spain”) or use the menu.
rate-limited = You are sending messages too quickly. Please wait a few seconds.
group-pointer = I sell eSIMs in a private chat only, so your details stay private. Tap below to open it.
btn-open-private = 💬 Open private chat
error-generic = Sorry, something went wrong on our side. Please try again.

## Delivery and notices

esim-ready-caption =
    ✅ Your eSIM is ready!
    <b>{ $bundle }</b>

    ICCID: <code>{ $iccid }</code>
    SM-DP+ address: <code>{ $smdp }</code>
    Activation code: <code>{ $matching }</code>

    Scan the QR code with the phone you travel with, or tap a button below on that phone.
btn-install-ios = 🍏 Install on iPhone (iOS 17.4+)
btn-install-android = 🤖 Install on Android
install-steps =
    📲 How to install
    1. Connect to Wi-Fi.
    2. iPhone: tap the iPhone button, or Settings → Mobile Service → Add eSIM → Use QR Code.
    3. Android: tap the Android button, or Settings → Network & internet → SIMs → Add eSIM.
    4. Scanning? Show the QR code on another screen: a phone cannot scan its own screen.
    5. No camera? Enter the SM-DP+ address and the activation code manually.
    6. On arrival, turn on data roaming for the eSIM and choose it for mobile data.
    Do not delete the eSIM: it cannot be installed again.
topup-ready = ✅ { $bundle } has been added to your eSIM …{ $iccid }. No new QR code needed: it works on the eSIM you already installed.
notice-payment-received = ✅ The payment for order #{ $order } was received. Preparing your eSIM…
notice-refunded =
    💸 Order #{ $order }: we refunded { $amount }.
    { $reason }
    It may take 5–10 days to appear on your statement.
refund-reason-unavailable = The eSIM provider could not supply this plan.
refund-reason-deadline = We could not deliver your eSIM in time.
refund-reason-operator = Our team issued the refund.
notice-payment-failed = ❌ The payment for order #{ $order } failed. Nothing was charged. You can try again:
btn-try-again = 🔁 Try again
notice-link-expired = ⌛ The payment link for order #{ $order } has expired. Need a new one?
btn-new-link = 🔗 Get a new link
notice-usage-80 = ⚠️ You have used 80% of the data of { $bundle } ({ $remaining } left). Top up to stay connected.
notice-usage-80-unknown = ⚠️ You have used 80% of the data of { $bundle }. Top up to stay connected.
notice-usage-100 = 🚫 You have used all the data of { $bundle }. Top up to keep using mobile data.

## Operator alerts

alert-sale = 💰 Sale: order #{ $order } · { $bundle } · { $price } (cost { $cost })
alert-discount-below-margin =
    🏷️ Order #{ $order }: a promotion code took the sale { $below ->
        [cost] below cost
       *[margin] below the minimum margin
    }: paid { $paid } (discount { $discount }), cost { $cost }, margin { $margin } (minimum { $minimum }). The order is fulfilled; check the promotion in Stripe.
alert-delivered = 📦 Order #{ $order } delivered in { $seconds } s
alert-fulfilment-failed =
    ⚠️ Order #{ $order }: fulfilment failed: { $cause }
    { $retry ->
        [yes] It will be retried automatically.
       *[no] No more retries: check /order { $order }.
    }
alert-awaiting-balance = 🪫 Order #{ $order } waits for eSIM Go balance: needs { $needed }, balance { $balance }. Top up the eSIM Go account; the order resumes by itself.
alert-refund =
    💸 Order #{ $order }: refund of { $amount } { $status ->
        [succeeded] done
        [pending] under way
       *[failed] FAILED: { $method ->
            [stars] refund the Stars by hand (refundStarPayment with the user and charge in the cause)
           *[card] refund it by hand in Stripe
        }
    }. Cause: { $cause }
alert-low-balance = 🪫 Low eSIM Go balance: { $balance } (threshold { $threshold }).
alert-bundle-unavailable = 🚫 Bundle { $bundle } could not be sold: { $cause }
alert-sync-failed = 🔄 Catalogue sync failed: { $cause }
alert-delivery-failed = 📭 Order #{ $order }: delivery failed: { $cause }
unknown-amount = unknown

## Operator commands

admin-balance =
    💼 eSIM Go balance: { $balance }
    Covers about { $cheapest-count } × the cheapest bundle ({ $cheapest }) or { $median-count } × the median bundle ({ $median }).
admin-balance-no-catalogue =
    💼 eSIM Go balance: { $balance }
    No catalogue is loaded, so I cannot estimate how many bundles it covers.
admin-balance-low = ⚠️ Below the alert threshold of { $threshold }: top up the eSIM Go account.
admin-failed = ❌ That did not work: { $cause }
admin-orders-recent = 🧾 Recent orders:
admin-orders-problems = 🚨 Need attention:
admin-orders-none = none
admin-order-line = #{ $id } · { $status } · { $bundle } · { $price } · { $at }
admin-usage-order = Usage: /order <order id>, for example /order 42
admin-usage-retry = Usage: /retry <order id>, for example /retry 42
admin-usage-refund = Usage: /refund <order id>, for example /refund 42
admin-order-not-found = Order #{ $id } not found.
admin-order-story =
    🧾 Order #{ $id } · { $status }
    Customer { $customer } · { $kind }
    Bundle: { $bundle }
    Price { $price } · cost { $cost }
    Created { $created }
    eSIM Go order: { $reference }
    Attempts: { $attempts } · last error: { $error }
    Refund: { $refund }
admin-order-events = Events:
admin-order-event = { $at } · { $type } { $detail }
admin-none = —
admin-retry-queued = 🔁 Order #{ $id } is queued for another attempt.
admin-retry-not-retryable = Order #{ $id } cannot be retried in its current state.
admin-refund-refunding = 💸 Refund of order #{ $id } started.
admin-refund-already = Order #{ $id } is already refunded or being refunded.
admin-refund-not-refundable = Order #{ $id } cannot be refunded in its current state.
admin-refund-busy = Order #{ $id } is being placed at eSIM Go right now. Check its story with /order { $id } in a minute, then refund if no eSIM was bought.
admin-stats-title = 📊 Sales (delivered orders):
admin-stats-line = { $period }: { $sales } sales · revenue { $revenue } · cost { $cost } · margin { $margin }
admin-stats-discounts = { $period }: promotion codes took { $discount } off { $sales } sales; revenue and margin above are after discounts
period-today = Today
period-7d = 7 days
period-30d = 30 days
admin-sync-started = 🔄 Syncing the catalogue…
admin-sync-ok = ✅ Catalogue synced: { $count } bundles.
admin-sync-failed = ❌ Catalogue sync failed: { $cause }. The previous catalogue stays in use.

## Command menu

cmd-start = Main menu
cmd-buy = Buy an eSIM
cmd-myesims = My eSIMs and remaining data
cmd-help = Help and installation guide
cmd-language = Change the language
cmd-paysupport = Help with a payment
cmd-balance = eSIM Go balance
cmd-orders = Recent and stuck orders
cmd-order = The story of an order
cmd-retry = Retry an order
cmd-refund = Refund an order
cmd-stats = Sales and margin
cmd-sync = Sync the catalogue now

# WhatsApp: list and button words, the template parameter
wa-more = More…
wa-more-title = More choices:
wa-list-button = Choose
wa-choose = Choose:
wa-more-expired = That list is too old. Here is the main menu:
wa-template-order = order #{ $order }

# Erasing a customer's data
delete-confirm = This erases your data: how we reach you here, your language, and your eSIMs' QR codes and install codes (save them first: they cannot be shown again). Your eSIMs keep working, and your orders stay in our accounts without anything that names you. Continue?
btn-delete-confirm = 🗑 Yes, erase my data
delete-done = Your data is erased. If you write again, you start as a new customer.
delete-in-progress = An order of yours is still being prepared. Please try again once it is delivered.
help-privacy = To erase your data, send /deletemydata.
