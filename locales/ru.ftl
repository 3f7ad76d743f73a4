## Все тексты, которые видят клиенты и оператор. Ключи совпадают в en.ftl, ru.ftl и tr.ftl.

sandbox-marker = 🧪 ПЕСОЧНИЦА — тестовый режим, без реальных денег

## Главное меню

welcome =
    👋 Здравствуйте, { $name }!
    Я продаю eSIM для путешествий: мобильный интернет за границей, установка за пару минут и никакого роуминга.
    Напишите страну, куда едете (например, «Германия»), или выберите ниже.
menu-title = Что вы хотите сделать? Можно просто написать название страны.
menu-buy = 🛒 Купить eSIM
menu-my-esims = 📱 Мои eSIM
menu-help = ❓ Помощь
menu-language = 🌐 Язык
btn-menu = « Главное меню
btn-back = « Назад
btn-prev = ‹ Назад
btn-next = Далее ›

## Поиск направления

buy-title = Куда вы едете? Напишите название страны (например, «Германия»), отправьте её флаг 🇩🇪 или выберите ниже:
buy-by-region = 🗺 Выбрать по региону
regions-title = Выберите регион:
region-title = { $region }: выберите страну ({ $page }/{ $pages })
search-ambiguous = Вы имели в виду одну из этих стран?
search-nothing = Не нашёл страну «{ $query }». Проверьте написание или выберите популярное направление:
search-no-offers = К сожалению, для { $flag } { $country } пока нет тарифов eSIM. Популярные направления:
shop-unavailable = Магазин сейчас обновляется. Попробуйте снова через несколько минут.

## Тарифы страны

offers-title = { $flag } { $country }: тарифы eSIM ({ $page }/{ $pages })
offers-legend-local = { $flag } работает только в стране { $country }
offers-legend-regional = 🌍 региональные тарифы работают и в соседних странах
offers-legend-global = 🌐 глобальные тарифы работают во многих странах мира
offers-choose = Выберите тариф, чтобы посмотреть подробности:
chooser-trip = { $flag } { $country }: на сколько вы едете?
chooser-trip-w = До недели
chooser-trip-f = До 2 недель
chooser-trip-m = До месяца
chooser-trip-l = Дольше месяца
chooser-data = { $flag } { $country }, { $trip }: сколько интернета нужно?
chooser-data-s = Немного: карты, чаты (от 1 ГБ)
chooser-data-m = Средне: соцсети, фото (от 5 ГБ)
chooser-data-l = Много: видео, раздача (от 20 ГБ)
chooser-data-u = Безлимит
chooser-best = { $flag } { $country }, { $trip }, { $data }: лучшие тарифы, сначала дешёвые. Выберите тариф, чтобы посмотреть подробности:
chooser-none = { $flag } { $country }: нет тарифа на { $trip } и { $data }. Измените ответы или посмотрите все тарифы:
btn-all-plans = 📋 Все тарифы
btn-other-answers = « Другие ответы
offer-button-local = { $flag } { $data } · { $days } · { $price }
offer-button-regional = 🌍 { $region } ({ $count }) · { $data } · { $days } · { $price }
offer-button-global = 🌐 { $data } · { $days } · { $price }
data-unlimited = Безлимит
data-gb = { $amount } ГБ
data-mb = { $amount } МБ
days =
    { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дня
    }
scope-local = только { $country }
scope-regional =
    { $region }, { $count ->
        [one] { $count } страна
        [few] { $count } страны
        [many] { $count } стран
       *[other] { $count } страны
    }
scope-global =
    Весь мир, { $count ->
        [one] { $count } страна
        [few] { $count } страны
        [many] { $count } стран
       *[other] { $count } страны
    }
plan-title = { $data }, { $days } — { $scope }

## Подробности и подтверждение

details =
    { $flag } { $title }

    📦 Трафик: { $data }
    📅 Срок действия: { $days }
    🌍 Где работает: { $coverage }
    📶 Скорость: { $speed }
    ⏱ { $start }
    💳 Цена: { $price }
details-more = и ещё { $count }
details-starts-first-use = Срок действия начинается при первом подключении в стране покрытия.
details-starts-now = Срок действия начинается сразу после активации тарифа.
details-speed-unknown = максимальная доступная
btn-buy = 🛒 Купить за { $price }
btn-back-offers = « К тарифам
confirm =
    Проверьте заказ:

    📍 Направление: { $destination }
    📦 Тариф: { $plan }
    📅 Срок действия: { $days }
    💳 Цена: { $price }

    ⚠️ Телефон должен поддерживать eSIM и не быть привязан к оператору.
confirm-topup =
    Проверьте пополнение:

    📱 eSIM: …{ $iccid }
    📦 Тариф: { $plan }
    📅 Срок действия: { $days }
    💳 Цена: { $price }

    Тариф добавится к уже установленной eSIM — новый QR-код не понадобится.
btn-pay = ✅ Оплатить { $price }
btn-pay-card = ✅ Оплатить { $price } картой
btn-pay-stars = Оплатить { $stars }
confirm-stars-price = ⭐ Или в Telegram Stars: { $stars }
stars-invoice-label = eSIM
stars-invoice-description = { $plan }. Оплатить можно до { $expires }. eSIM придёт в этот чат сразу после оплаты.
stars-refused-price-changed = Цена этого тарифа изменилась. Оплата не списана: откройте тариф ещё раз, чтобы получить новый счёт.
stars-refused-paid = Этот заказ уже оплачен. Ничего больше не списано.
stars-refused-expired = Срок этого счёта истёк. Оплата не списана: выберите тариф ещё раз.
stars-refused-not-yours = Этот счёт выставлен не вам. Оплата не списана: выберите тариф в своём чате с ботом.
stars-not-stored-refunded = Сейчас не удалось принять оплату, поэтому звёзды возвращены. Попробуйте ещё раз через минуту.
stars-not-stored = Сейчас не удалось записать оплату. Ничего не потеряно: напишите /paysupport, и мы вернём звёзды или выдадим eSIM.
btn-change = ✏️ Изменить
bundle-gone = Этот тариф больше недоступен. Пожалуйста, выберите другой.
button-expired = Эта кнопка устарела. Пожалуйста, начните заново из меню.

## Оплата

checkout-link =
    Ссылка на оплату готова: { $price } за { $plan }.
    Оплата проходит безопасно через Stripe. Ссылка действует до { $expires }.
    После оплаты eSIM придёт прямо в этот чат.
checkout-link-reused =
    У вас уже есть неоплаченный заказ на этот тариф. Вот ссылка на его оплату: { $price } за { $plan }.
    Ссылка действует до { $expires }.
btn-pay-link = 💳 Оплатить { $price }
checkout-price-changed = Цена этого тарифа только что изменилась: теперь { $price }. Продолжить по новой цене?
btn-confirm-price = ✅ Продолжить за { $price }
btn-cancel = ✖️ Отмена
checkout-cancelled = Хорошо, деньги не списаны. Вы можете выбрать другой тариф в любое время.
checkout-unavailable-withdrawn = К сожалению, провайдер только что снял этот тариф с продажи. Деньги не списаны — выберите, пожалуйста, другой тариф.
checkout-unavailable-balance = К сожалению, сейчас этот тариф нельзя купить. Деньги не списаны. Мы уже знаем о проблеме — попробуйте позже или выберите другой тариф.
checkout-unavailable-provider = Провайдер eSIM сейчас не отвечает. Деньги не списаны — попробуйте снова через несколько минут.
checkout-incompatible = Этот тариф нельзя добавить к этой eSIM. Выберите другое пополнение.
checkout-not-yours = Этой eSIM нет в вашем аккаунте.
checkout-limit-open-links = У вас уже 3 неоплаченные ссылки на оплату. Оплатите одну из них или дождитесь, пока одна истечёт, и попробуйте снова.
checkout-limit-rate = Слишком много оформлений за минуту. Подождите минуту и попробуйте снова.
checkout-failed = К сожалению, не удалось создать ссылку на оплату. Деньги не списаны — попробуйте снова через несколько минут.
start-paid = ✅ Спасибо! Оплата заказа №{ $order } получена. eSIM уже в пути — обычно она приходит в течение минуты.
start-paid-delivered = ✅ Заказ №{ $order } выполнен. Он находится в разделе «Мои eSIM».
start-paid-pending = ⏳ Ждём подтверждения оплаты заказа №{ $order }. eSIM придёт сюда сразу после подтверждения.
start-cancelled = Оплата заказа №{ $order } отменена. Деньги не списаны.
start-order-unknown = Не удалось найти этот заказ. Вот главное меню.
btn-pay-again = 💳 Оплатить снова
order-not-payable = Заказ №{ $order } больше нельзя оплатить. Пожалуйста, выберите тариф заново.

## Мои eSIM

my-esims-empty = У вас пока нет eSIM. Купите первую — и она появится здесь.
my-esims-title = 📱 Ваши eSIM ({ $total }), сначала новые ({ $page }/{ $pages }). Нажмите на eSIM, чтобы открыть подробности:
esim-list-line = { $index }. { $bundle } · …{ $iccid } · { $status }
esim-button = { $index }. { $bundle } · …{ $iccid }
esim-card =
    📱 { $bundle }
    ICCID: { $iccid }
    Заказ №{ $order } · { $status }

    { $usage }
esim-status =
    { $status ->
        [delivered] ✅ данные для установки отправлены
        [ready] ✅ готова
        [failed] ❌ ошибка
       *[other] ⏳ готовится
    }
usage-line = { $name }: осталось { $remaining } из { $initial }
usage-line-unlimited = { $name }: безлимитный трафик
usage-days-left =
    { $days ->
        [0] истекает сегодня
        [one] остался { $days } день
        [few] осталось { $days } дня
        [many] осталось { $days } дней
       *[other] осталось { $days } дня
    }
usage-none = Данных о расходе пока нет: они появятся после первого подключения eSIM.
usage-stale = ⚠️ Актуальные данные сейчас недоступны; показаны последние известные на { $time }.
usage-checked = Обновлено { $time }.
usage-unavailable = Данные о расходе сейчас недоступны. Попробуйте позже.
btn-resend-qr = 📷 QR-код и инструкция
btn-refresh-usage = 🔄 Обновить расход
btn-top-up = ➕ Пополнить
btn-back-esims = « Мои eSIM
topup-title = ➕ Пополнение { $bundle } (…{ $iccid }). Выберите тариф:
topup-none = Для этой eSIM сейчас нет тарифов пополнения.
esim-not-found = Эта eSIM не найдена в вашем аккаунте.
resend-unavailable = Данные для установки этой eSIM ещё не готовы. Попробуйте через минуту.
usage-refreshed = Расход обновлён

## Помощь и язык

help =
    ❓ Как это работает
    1. Напишите страну назначения и выберите тариф.
    2. Оплатите по защищённой ссылке Stripe.
    3. eSIM придёт сюда в виде QR-кода с кнопками установки в одно касание.

    📲 Установка
    • Устанавливайте через Wi-Fi, лучше ещё до поездки.
    • iPhone: Настройки → Сотовая связь → Добавить eSIM. Android: Настройки → Сеть и интернет → SIM-карты → Добавить eSIM.
    • Сканируйте QR-код с другого экрана — телефон не может отсканировать собственный экран. На этом же телефоне используйте кнопку установки или введите адрес SM-DP+ и код активации вручную.

    🛠 Не работает интернет?
    • Включите роуминг данных для линии eSIM.
    • Выберите eSIM для мобильных данных.
    • Перезагрузите телефон или выберите сеть вручную.
    • Проверьте остаток трафика в разделе «Мои eSIM».

    💸 Возвраты
    { $policy }
paysupport =
    💳 Помощь с оплатой
    По любым вопросам об оплате в Telegram Stars или картой пишите нам: поддержка Telegram не помогает с покупками в этом боте.
    Если мы не сможем выдать eSIM, деньги вернутся автоматически, в Stars — если вы платили в Stars.
    { $policy }
help-support = 💬 Поддержка: { $contact }
language-choose = Выберите язык:
language-set = ✅ Теперь я говорю по-русски.

## Запасные ответы

unknown-command = Я не знаю такой команды. Откройте меню через /start или помощь через /help.
unknown-message = Я понимаю названия стран, кнопки и команды. Напишите, куда вы едете (например, «Испания»), или воспользуйтесь меню.
rate-limited = Вы отправляете сообщения слишком часто. Подождите несколько секунд.
group-pointer = Я продаю eSIM только в личном чате, чтобы ваши данные оставались приватными. Нажмите кнопку ниже, чтобы открыть его.
btn-open-private = 💬 Открыть личный чат
error-generic = Извините, у нас что-то пошло не так. Пожалуйста, попробуйте ещё раз.

## Доставка и уведомления

esim-ready-caption =
    ✅ Ваша eSIM готова!
    <b>{ $bundle }</b>

    ICCID: <code>{ $iccid }</code>
    Адрес SM-DP+: <code>{ $smdp }</code>
    Код активации: <code>{ $matching }</code>

    Отсканируйте QR-код телефоном, с которым поедете, или нажмите кнопку ниже на этом телефоне.
btn-install-ios = 🍏 Установить на iPhone (iOS 17.4+)
btn-install-android = 🤖 Установить на Android
install-steps =
    📲 Как установить
    1. Подключитесь к Wi-Fi.
    2. iPhone: нажмите кнопку для iPhone или откройте Настройки → Сотовая связь → Добавить eSIM → Использовать QR-код.
    3. Android: нажмите кнопку для Android или откройте Настройки → Сеть и интернет → SIM-карты → Добавить eSIM.
    4. Сканируете QR-код? Откройте его на другом экране: телефон не может отсканировать собственный экран.
    5. Нет камеры? Введите адрес SM-DP+ и код активации вручную.
    6. По прибытии включите роуминг данных для eSIM и выберите её для мобильного интернета.
    Не удаляйте eSIM: повторно установить её нельзя.
topup-ready = ✅ { $bundle } добавлен к вашей eSIM …{ $iccid }. Новый QR-код не нужен: тариф работает на уже установленной eSIM.
notice-payment-received = ✅ Оплата заказа №{ $order } получена. Готовим вашу eSIM…
notice-refunded =
    💸 Заказ №{ $order }: мы вернули { $amount }.
    { $reason }
    Деньги могут появиться на счёте в течение 5–10 дней.
refund-reason-unavailable = Провайдер eSIM не смог предоставить этот тариф.
refund-reason-deadline = Нам не удалось вовремя выдать вашу eSIM.
refund-reason-operator = Возврат оформил наш сотрудник.
notice-payment-failed = ❌ Оплата заказа №{ $order } не прошла. Деньги не списаны. Можно попробовать ещё раз:
btn-try-again = 🔁 Попробовать снова
notice-link-expired = ⌛ Срок действия ссылки на оплату заказа №{ $order } истёк. Нужна новая?
btn-new-link = 🔗 Получить новую ссылку
notice-usage-80 = ⚠️ Вы израсходовали 80% трафика тарифа { $bundle } (осталось { $remaining }). Пополните, чтобы оставаться на связи.
notice-usage-80-unknown = ⚠️ Вы израсходовали 80% трафика тарифа { $bundle }. Пополните, чтобы оставаться на связи.
notice-usage-100 = 🚫 Трафик тарифа { $bundle } закончился. Пополните, чтобы снова пользоваться мобильным интернетом.

## Оповещения оператора

alert-sale = 💰 Продажа: заказ №{ $order } · { $bundle } · { $price } (себестоимость { $cost })
alert-discount-below-margin =
    🏷️ Заказ №{ $order }: промокод опустил продажу { $below ->
        [cost] ниже себестоимости
       *[margin] ниже минимальной маржи
    }: оплачено { $paid } (скидка { $discount }), себестоимость { $cost }, маржа { $margin } (минимум { $minimum }). Заказ выполняется; проверьте промоакцию в Stripe.
alert-delivered = 📦 Заказ №{ $order } выдан за { $seconds } с
alert-fulfilment-failed =
    ⚠️ Заказ №{ $order }: ошибка выполнения: { $cause }
    { $retry ->
        [yes] Будет повторено автоматически.
       *[no] Повторов больше не будет: проверьте /order { $order }.
    }
alert-awaiting-balance = 🪫 Заказ №{ $order } ждёт пополнения баланса eSIM Go: нужно { $needed }, на балансе { $balance }. Пополните счёт eSIM Go — заказ продолжится сам.
alert-refund =
    💸 Заказ №{ $order }: возврат { $amount } { $status ->
        [succeeded] выполнен
        [pending] в процессе
       *[failed] НЕ УДАЛСЯ: { $method ->
            [stars] верните звёзды вручную (refundStarPayment с пользователем и платежом из причины)
           *[card] верните деньги вручную в Stripe
        }
    }. Причина: { $cause }
alert-low-balance = 🪫 Низкий баланс eSIM Go: { $balance } (порог { $threshold }).
alert-bundle-unavailable = 🚫 Тариф { $bundle } не удалось продать: { $cause }
alert-sync-failed = 🔄 Не удалось синхронизировать каталог: { $cause }
alert-delivery-failed = 📭 Заказ №{ $order }: не удалось доставить: { $cause }
unknown-amount = неизвестно

## Команды оператора

admin-balance =
    💼 Баланс eSIM Go: { $balance }
    Хватит примерно на { $cheapest-count } × самый дешёвый тариф ({ $cheapest }) или { $median-count } × средний тариф ({ $median }).
admin-balance-no-catalogue =
    💼 Баланс eSIM Go: { $balance }
    Каталог не загружен, поэтому оценить, на сколько тарифов хватит, нельзя.
admin-balance-low = ⚠️ Ниже порога оповещения { $threshold }: пополните счёт eSIM Go.
admin-failed = ❌ Не получилось: { $cause }
admin-orders-recent = 🧾 Последние заказы:
admin-orders-problems = 🚨 Требуют внимания:
admin-orders-none = нет
admin-order-line = №{ $id } · { $status } · { $bundle } · { $price } · { $at }
admin-usage-order = Использование: /order <номер заказа>, например /order 42
admin-usage-retry = Использование: /retry <номер заказа>, например /retry 42
admin-usage-refund = Использование: /refund <номер заказа>, например /refund 42
admin-order-not-found = Заказ №{ $id } не найден.
admin-order-story =
    🧾 Заказ №{ $id } · { $status }
    Клиент { $customer } · { $kind }
    Тариф: { $bundle }
    Цена { $price } · себестоимость { $cost }
    Создан { $created }
    Заказ eSIM Go: { $reference }
    Попыток: { $attempts } · последняя ошибка: { $error }
    Возврат: { $refund }
admin-order-events = События:
admin-order-event = { $at } · { $type } { $detail }
admin-none = —
admin-retry-queued = 🔁 Заказ №{ $id } поставлен на повторную попытку.
admin-retry-not-retryable = Заказ №{ $id } нельзя повторить в его текущем состоянии.
admin-refund-refunding = 💸 Возврат по заказу №{ $id } запущен.
admin-refund-already = По заказу №{ $id } возврат уже выполнен или выполняется.
admin-refund-not-refundable = Заказ №{ $id } нельзя вернуть в его текущем состоянии.
admin-refund-busy = Заказ №{ $id } прямо сейчас оформляется в eSIM Go. Через минуту проверьте его историю командой /order { $id } и сделайте возврат, если eSIM не куплена.
admin-stats-title = 📊 Продажи (выданные заказы):
admin-stats-line = { $period }: продаж { $sales } · выручка { $revenue } · себестоимость { $cost } · маржа { $margin }
admin-stats-discounts = { $period }: промокоды дали скидку { $discount } на { $sales } продаж; выручка и маржа выше указаны после скидок
period-today = Сегодня
period-7d = 7 дней
period-30d = 30 дней
admin-sync-started = 🔄 Синхронизирую каталог…
admin-sync-ok = ✅ Каталог синхронизирован: тарифов — { $count }.
admin-sync-failed = ❌ Не удалось синхронизировать каталог: { $cause }. Используется предыдущий каталог.

## Меню команд

cmd-start = Главное меню
cmd-buy = Купить eSIM
cmd-myesims = Мои eSIM и остаток трафика
cmd-help = Помощь и инструкция по установке
cmd-language = Сменить язык
cmd-paysupport = Помощь с оплатой
cmd-balance = Баланс eSIM Go
cmd-orders = Последние и зависшие заказы
cmd-order = История заказа
cmd-retry = Повторить заказ
cmd-refund = Вернуть деньги за заказ
cmd-stats = Продажи и маржа
cmd-sync = Синхронизировать каталог сейчас

# WhatsApp: list and button words, the template parameter
wa-more = Ещё…
wa-more-title = Ещё варианты:
wa-list-button = Выбрать
wa-choose = Выберите:
wa-more-expired = Этот список устарел. Вот главное меню:
wa-template-order = заказ №{ $order }

# Erasing a customer's data
delete-confirm = Это удалит ваши данные: как мы связываемся с вами здесь, ваш язык, QR-коды и коды установки ваших eSIM (сохраните их заранее: показать их снова будет нельзя). Ваши eSIM продолжат работать, а заказы останутся в нашей бухгалтерии без данных, указывающих на вас. Продолжить?
btn-delete-confirm = 🗑 Да, удалить мои данные
delete-done = Ваши данные удалены. Если вы напишете снова, вы начнёте как новый клиент.
delete-in-progress = Один из ваших заказов ещё готовится. Попробуйте снова, когда он будет доставлен.
help-privacy = Чтобы удалить свои данные, отправьте /deletemydata.
