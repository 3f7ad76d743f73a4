## Müşterinin ve operatörün gördüğü bütün metinler. Anahtarlar en.ftl, ru.ftl ve tr.ftl dosyalarında aynıdır.

sandbox-marker = 🧪 TEST ORTAMI — deneme modu, gerçek para yok

## Ana menü

welcome =
    👋 Merhaba { $name }!
    Seyahat eSIM'i satıyorum: yurt dışında mobil internet, dakikalar içinde kurulum, dolaşım faturası yok.
    Gideceğiniz ülkeyi yazın (örneğin “Almanya”) ya da aşağıdan seçin.
menu-title = Ne yapmak istersiniz? Doğrudan bir ülke adı da yazabilirsiniz.
menu-buy = 🛒 eSIM satın al
menu-my-esims = 📱 eSIM'lerim
menu-help = ❓ Yardım
menu-language = 🌐 Dil
btn-menu = « Ana menü
btn-back = « Geri
btn-prev = ‹ Geri
btn-next = İleri ›

## Ülke bulma

buy-title = Nereye gidiyorsunuz? Bir ülke adı yazın (örneğin “Almanya”), bayrağını 🇩🇪 gönderin ya da aşağıdan seçin:
buy-by-region = 🗺 Bölgeye göre göz at
regions-title = Bir bölge seçin:
region-title = { $region }: bir ülke seçin ({ $page }/{ $pages })
search-ambiguous = Bunlardan birini mi demek istediniz?
search-nothing = “{ $query }” adında bir ülke bulamadım. Yazımı kontrol edin ya da popüler bir ülke seçin:
search-no-offers = Üzgünüz, { $flag } { $country } için henüz eSIM paketimiz yok. Popüler ülkeler:
shop-unavailable = Mağaza şu anda güncelleniyor. Lütfen birkaç dakika sonra tekrar deneyin.

## Bir ülkenin paketleri

offers-title = { $flag } { $country }: eSIM paketleri ({ $page }/{ $pages })
offers-legend-local = { $flag } yalnızca { $country } içinde çalışır
offers-legend-regional = 🌍 bölgesel paketler yakın ülkelerde de çalışır
offers-legend-global = 🌐 küresel paketler dünyanın birçok ülkesinde çalışır
offers-choose = Ayrıntıları görmek için bir paket seçin:
chooser-trip = { $flag } { $country }: seyahatiniz ne kadar sürecek?
chooser-trip-w = Bir haftaya kadar
chooser-trip-f = 2 haftaya kadar
chooser-trip-m = Bir aya kadar
chooser-trip-l = Bir aydan uzun
chooser-data = { $flag } { $country }, { $trip }: ne kadar internet kullanacaksınız?
chooser-data-s = Az: harita, mesaj (1 GB+)
chooser-data-m = Orta: sosyal medya, fotoğraf (5 GB+)
chooser-data-l = Çok: video, paylaşım (20 GB+)
chooser-data-u = Sınırsız
chooser-best = { $flag } { $country }, { $trip }, { $data }: en iyi paketler, en ucuzu önce. Ayrıntılar için bir paket seçin:
chooser-none = { $flag } { $country }: { $trip } ve { $data } için uygun paket yok. Başka cevaplar deneyin veya tüm paketlere bakın:
btn-all-plans = 📋 Tüm paketler
btn-other-answers = « Başka cevaplar
offer-button-local = { $flag } { $data } · { $days } · { $price }
offer-button-regional = 🌍 { $region } ({ $count }) · { $data } · { $days } · { $price }
offer-button-global = 🌐 { $data } · { $days } · { $price }
data-unlimited = Sınırsız
data-gb = { $amount } GB
data-mb = { $amount } MB
days = { $days } gün
scope-local = yalnızca { $country }
scope-regional = { $region }, { $count } ülke
scope-global = Küresel, { $count } ülke
plan-title = { $data }, { $days } — { $scope }

## Paket ayrıntıları ve onay

details =
    { $flag } { $title }

    📦 Veri: { $data }
    📅 Geçerlilik: { $days }
    🌍 Çalıştığı yerler: { $coverage }
    📶 Hız: { $speed }
    ⏱ { $start }
    💳 Fiyat: { $price }
details-more = ve { $count } ülke daha
details-starts-first-use = Geçerlilik süresi, kapsanan bir ülkede ilk bağlandığınızda başlar.
details-starts-now = Geçerlilik süresi paket etkinleştirildiği anda başlar.
details-speed-unknown = mevcut en yüksek hız
btn-buy = 🛒 { $price } ödeyerek satın al
btn-back-offers = « Paketlere dön
confirm =
    Lütfen siparişinizi kontrol edin:

    📍 Gidilecek yer: { $destination }
    📦 Paket: { $plan }
    📅 Geçerlilik: { $days }
    💳 Fiyat: { $price }

    ⚠️ Telefonunuz eSIM desteklemeli ve operatör kilidi olmamalı.
confirm-topup =
    Lütfen yüklemenizi kontrol edin:

    📱 eSIM: …{ $iccid }
    📦 Paket: { $plan }
    📅 Geçerlilik: { $days }
    💳 Fiyat: { $price }

    Paket, zaten sahip olduğunuz eSIM'e eklenir: yeni bir QR kod gerekmez.
btn-pay = ✅ { $price } öde
btn-pay-card = ✅ Kartla { $price } öde
btn-pay-stars = { $stars } öde
confirm-stars-price = ⭐ Ya da Telegram Stars ile: { $stars }
stars-invoice-label = eSIM
stars-invoice-description = { $plan }. { $expires } tarihine kadar ödenebilir. eSIM'iniz ödemeden hemen sonra bu sohbete gelir.
stars-refused-price-changed = Bu paketin fiyatı değişti. Ücret alınmadı: yeni bir fatura için paketi yeniden açın.
stars-refused-paid = Bu sipariş zaten ödendi. Başka ücret alınmadı.
stars-refused-expired = Bu faturanın süresi doldu. Ücret alınmadı: lütfen paketi yeniden seçin.
stars-refused-not-yours = Bu fatura size ait değil. Ücret alınmadı: lütfen bot ile kendi sohbetinizde bir paket seçin.
stars-not-stored-refunded = Ödemenizi şu anda alamadık, bu yüzden yıldızlarınız iade edildi. Lütfen bir dakika sonra tekrar deneyin.
stars-not-stored = Ödemenizi şu anda kaydedemedik. Hiçbir şey kaybolmadı: /paysupport yazın, iade edelim ya da eSIM'i teslim edelim.
btn-change = ✏️ Değiştir
bundle-gone = Bu paket artık satışta değil. Lütfen başka bir paket seçin.
button-expired = Bu düğmenin süresi doldu. Lütfen menüden yeniden başlayın.

## Ödeme

checkout-link =
    Ödeme bağlantınız hazır: { $plan } için { $price }.
    Stripe ile güvenle ödeyin. Bağlantı { $expires } tarihine kadar geçerlidir.
    Ödemeden sonra eSIM'iniz doğrudan bu sohbete gelir.
checkout-link-reused =
    Bu paket için ödenmemiş bir siparişiniz zaten var. Ödeme bağlantısı yeniden burada: { $plan } için { $price }.
    Bağlantı { $expires } tarihine kadar geçerlidir.
btn-pay-link = 💳 { $price } öde
checkout-price-changed = Bu paketin fiyatı az önce { $price } oldu. Yeni fiyatla devam etmek ister misiniz?
btn-confirm-price = ✅ { $price } ile devam et
btn-cancel = ✖️ Vazgeç
checkout-cancelled = Tamam, hiçbir ücret alınmadı. İstediğiniz zaman başka bir paket seçebilirsiniz.
checkout-unavailable-withdrawn = Üzgünüz, bu paket sağlayıcı tarafından az önce satıştan kaldırıldı. Hiçbir ücret alınmadı — lütfen başka bir paket seçin.
checkout-unavailable-balance = Üzgünüz, bu paket şu anda satılamıyor. Hiçbir ücret alınmadı. Durumdan haberdarız; lütfen daha sonra tekrar deneyin ya da başka bir paket seçin.
checkout-unavailable-provider = eSIM sağlayıcımız şu anda yanıt vermiyor. Hiçbir ücret alınmadı — lütfen birkaç dakika sonra tekrar deneyin.
checkout-incompatible = Bu paket o eSIM'e eklenemez. Lütfen başka bir yükleme paketi seçin.
checkout-not-yours = Bu eSIM hesabınızda değil.
checkout-limit-open-links = Zaten ödenmemiş 3 ödeme bağlantınız var. Birini ödeyin veya birinin süresi dolana kadar bekleyin, sonra tekrar deneyin.
checkout-limit-rate = Bir dakikada çok fazla ödeme başlattınız. Lütfen bir dakika bekleyip tekrar deneyin.
checkout-failed = Üzgünüz, ödeme bağlantısı oluşturulamadı. Hiçbir ücret alınmadı — lütfen birkaç dakika sonra tekrar deneyin.
start-paid = ✅ Teşekkürler! #{ $order } numaralı siparişin ödemesi alındı. eSIM'iniz yolda — genellikle bir dakika içinde gelir.
start-paid-delivered = ✅ #{ $order } numaralı sipariş teslim edildi. eSIM'lerim bölümünde bulabilirsiniz.
start-paid-pending = ⏳ #{ $order } numaralı siparişin ödeme onayını bekliyoruz. Onaylanır onaylanmaz eSIM'iniz buraya gelecek.
start-cancelled = #{ $order } numaralı siparişin ödemesi iptal edildi. Hiçbir ücret alınmadı.
start-order-unknown = Bu siparişi bulamadım. İşte ana menü.
btn-pay-again = 💳 Yeniden öde
order-not-payable = #{ $order } numaralı sipariş artık ödenemez. Lütfen paketi yeniden seçin.

## eSIM'lerim

my-esims-empty = Henüz eSIM'iniz yok. Bir tane satın aldığınızda burada görünecek.
my-esims-title = 📱 eSIM'leriniz ({ $total }), en yeniler önce ({ $page }/{ $pages }). Ayrıntılar için birine dokunun:
esim-list-line = { $index }. { $bundle } · …{ $iccid } · { $status }
esim-button = { $index }. { $bundle } · …{ $iccid }
esim-card =
    📱 { $bundle }
    ICCID: { $iccid }
    Sipariş #{ $order } · { $status }

    { $usage }
esim-status =
    { $status ->
        [delivered] ✅ kurulum bilgileri gönderildi
        [ready] ✅ hazır
        [failed] ❌ başarısız
       *[other] ⏳ hazırlanıyor
    }
usage-line = { $name }: { $initial } verinin { $remaining } kadarı kaldı
usage-line-unlimited = { $name }: sınırsız veri
usage-days-left =
    { $days ->
        [0] bugün sona eriyor
       *[other] { $days } gün kaldı
    }
usage-none = Henüz kullanım verisi yok: eSIM ilk kez bağlandıktan sonra görünür.
usage-stale = ⚠️ Güncel veriler şu anda alınamıyor; gösterilenler { $time } itibarıyla bilinen son değerler.
usage-checked = Güncellendi: { $time }.
usage-unavailable = Kullanım bilgisi şu anda alınamıyor. Lütfen daha sonra tekrar deneyin.
btn-resend-qr = 📷 QR kod ve kurulum bilgileri
btn-refresh-usage = 🔄 Kullanımı yenile
btn-top-up = ➕ Yükleme yap
btn-back-esims = « eSIM'lerim
topup-title = ➕ { $bundle } (…{ $iccid }) için yükleme. Bir paket seçin:
topup-none = Bu eSIM için şu anda yükleme paketi yok.
esim-not-found = Bu eSIM hesabınızda bulunamadı.
resend-unavailable = Bu eSIM'in kurulum bilgileri henüz hazır değil. Lütfen bir dakika sonra tekrar deneyin.
usage-refreshed = Kullanım güncellendi

## Yardım ve dil

help =
    ❓ Nasıl çalışır
    1. Gideceğiniz ülkeyi yazın ve bir paket seçin.
    2. Güvenli Stripe bağlantısıyla ödeyin.
    3. eSIM'iniz buraya, tek dokunuşla kurulum düğmeleri olan bir QR kod olarak gelir.

    📲 Kurulum
    • Kurulumu Wi-Fi'deyken, tercihen yolculuktan önce yapın.
    • iPhone: Ayarlar → Hücresel → eSIM Ekle. Android: Ayarlar → Ağ ve internet → SIM'ler → eSIM ekle.
    • QR kodu başka bir ekrandan tarayın — telefon kendi ekranını tarayamaz. Aynı telefonda kurulum düğmesini kullanın ya da SM-DP+ adresini ve etkinleştirme kodunu elle girin.

    🛠 İnternet çalışmıyor mu?
    • eSIM hattı için veri dolaşımını açın.
    • Mobil veri için eSIM'i seçin.
    • Telefonu yeniden başlatın ya da ağı elle seçin.
    • Kalan veriyi eSIM'lerim bölümünden kontrol edin.

    💸 İadeler
    { $policy }
paysupport =
    💳 Ödeme yardımı
    Telegram Stars veya kartla yapılan bir ödemeyle ilgili her soru için bize yazın: Telegram desteği bu bottaki satın almalara yardımcı olamaz.
    eSIM'inizi teslim edemezsek ödemeniz otomatik olarak iade edilir; Stars ile ödediyseniz Stars olarak.
    { $policy }
help-support = 💬 Destek: { $contact }
language-choose = Dilinizi seçin:
language-set = ✅ Artık Türkçe konuşuyorum.

## Yedek yanıtlar

unknown-command = Bu komutu bilmiyorum. Menü için /start, yardım için /help kullanın.
unknown-message = Ülke adlarını, düğmeleri ve komutları anlıyorum. Nereye gittiğinizi yazın (örneğin “İspanya”) ya da menüyü kullanın.
rate-limited = Çok hızlı mesaj gönderiyorsunuz. Lütfen birkaç saniye bekleyin.
group-pointer = Bilgileriniz gizli kalsın diye eSIM'i yalnızca özel sohbette satıyorum. Açmak için aşağıya dokunun.
btn-open-private = 💬 Özel sohbeti aç
error-generic = Üzgünüz, bizim tarafımızda bir sorun oluştu. Lütfen tekrar deneyin.

## Teslimat ve bildirimler

esim-ready-caption =
    ✅ eSIM'iniz hazır!
    <b>{ $bundle }</b>

    ICCID: <code>{ $iccid }</code>
    SM-DP+ adresi: <code>{ $smdp }</code>
    Etkinleştirme kodu: <code>{ $matching }</code>

    QR kodu yolculukta kullanacağınız telefonla tarayın ya da o telefonda aşağıdaki düğmeye dokunun.
btn-install-ios = 🍏 iPhone'a kur (iOS 17.4+)
btn-install-android = 🤖 Android'e kur
install-steps =
    📲 Nasıl kurulur
    1. Wi-Fi'ye bağlanın.
    2. iPhone: iPhone düğmesine dokunun ya da Ayarlar → Hücresel → eSIM Ekle → QR Kodu Kullan yolunu izleyin.
    3. Android: Android düğmesine dokunun ya da Ayarlar → Ağ ve internet → SIM'ler → eSIM ekle yolunu izleyin.
    4. QR kod mu tarayacaksınız? Kodu başka bir ekranda açın: telefon kendi ekranını tarayamaz.
    5. Kamera yok mu? SM-DP+ adresini ve etkinleştirme kodunu elle girin.
    6. Vardığınızda eSIM için veri dolaşımını açın ve mobil veri için eSIM'i seçin.
    eSIM'i silmeyin: yeniden kurulamaz.
topup-ready = ✅ { $bundle } paketi …{ $iccid } eSIM'inize eklendi. Yeni QR kod gerekmez: paket zaten kurulu olan eSIM'inizde çalışır.
notice-payment-received = ✅ #{ $order } numaralı siparişin ödemesi alındı. eSIM'iniz hazırlanıyor…
notice-refunded =
    💸 #{ $order } numaralı sipariş: { $amount } iade edildi.
    { $reason }
    İadenin hesap özetinizde görünmesi 5–10 gün sürebilir.
refund-reason-unavailable = eSIM sağlayıcısı bu paketi sağlayamadı.
refund-reason-deadline = eSIM'inizi zamanında teslim edemedik.
refund-reason-operator = İadeyi ekibimiz başlattı.
notice-payment-failed = ❌ #{ $order } numaralı siparişin ödemesi başarısız oldu. Hiçbir ücret alınmadı. Tekrar deneyebilirsiniz:
btn-try-again = 🔁 Tekrar dene
notice-link-expired = ⌛ #{ $order } numaralı siparişin ödeme bağlantısının süresi doldu. Yeni bir bağlantı ister misiniz?
btn-new-link = 🔗 Yeni bağlantı al
notice-usage-80 = ⚠️ { $bundle } paketinin verisinin %80'ini kullandınız ({ $remaining } kaldı). Bağlı kalmak için yükleme yapın.
notice-usage-80-unknown = ⚠️ { $bundle } paketinin verisinin %80'ini kullandınız. Bağlı kalmak için yükleme yapın.
notice-usage-100 = 🚫 { $bundle } paketinin verisi bitti. Mobil veriyi kullanmaya devam etmek için yükleme yapın.

## Operatör uyarıları

alert-sale = 💰 Satış: sipariş #{ $order } · { $bundle } · { $price } (maliyet { $cost })
alert-discount-below-margin =
    🏷️ Sipariş #{ $order }: bir promosyon kodu satışı { $below ->
        [cost] maliyetin altına
       *[margin] asgari kâr marjının altına
    } düşürdü: ödenen { $paid } (indirim { $discount }), maliyet { $cost }, kâr { $margin } (asgari { $minimum }). Sipariş teslim ediliyor; Stripe'taki promosyonu kontrol edin.
alert-delivered = 📦 Sipariş #{ $order } { $seconds } sn içinde teslim edildi
alert-fulfilment-failed =
    ⚠️ Sipariş #{ $order }: teslimat hazırlığı başarısız: { $cause }
    { $retry ->
        [yes] Otomatik olarak yeniden denenecek.
       *[no] Başka deneme yapılmayacak: /order { $order } ile kontrol edin.
    }
alert-awaiting-balance = 🪫 Sipariş #{ $order } eSIM Go bakiyesini bekliyor: gereken { $needed }, bakiye { $balance }. eSIM Go hesabına yükleme yapın; sipariş kendiliğinden devam eder.
alert-refund =
    💸 Sipariş #{ $order }: { $amount } tutarındaki iade { $status ->
        [succeeded] tamamlandı
        [pending] sürüyor
       *[failed] BAŞARISIZ: { $method ->
            [stars] yıldızları elle iade edin (nedendeki kullanıcı ve ödeme ile refundStarPayment)
           *[card] Stripe'ta elle iade edin
        }
    }. Neden: { $cause }
alert-low-balance = 🪫 eSIM Go bakiyesi düşük: { $balance } (eşik { $threshold }).
alert-bundle-unavailable = 🚫 { $bundle } paketi satılamadı: { $cause }
alert-sync-failed = 🔄 Katalog eşitlemesi başarısız: { $cause }
alert-delivery-failed = 📭 Sipariş #{ $order }: teslim edilemedi: { $cause }
unknown-amount = bilinmiyor

## Operatör komutları

admin-balance =
    💼 eSIM Go bakiyesi: { $balance }
    Yaklaşık { $cheapest-count } × en ucuz paket ({ $cheapest }) ya da { $median-count } × ortanca paket ({ $median }) için yeterli.
admin-balance-no-catalogue =
    💼 eSIM Go bakiyesi: { $balance }
    Katalog yüklü değil, bu yüzden kaç pakete yettiğini hesaplayamıyorum.
admin-balance-low = ⚠️ Uyarı eşiği olan { $threshold } altında: eSIM Go hesabına yükleme yapın.
admin-failed = ❌ Olmadı: { $cause }
admin-orders-recent = 🧾 Son siparişler:
admin-orders-problems = 🚨 İlgilenilmesi gerekenler:
admin-orders-none = yok
admin-order-line = #{ $id } · { $status } · { $bundle } · { $price } · { $at }
admin-usage-order = Kullanım: /order <sipariş no>, örneğin /order 42
admin-usage-retry = Kullanım: /retry <sipariş no>, örneğin /retry 42
admin-usage-refund = Kullanım: /refund <sipariş no>, örneğin /refund 42
admin-order-not-found = #{ $id } numaralı sipariş bulunamadı.
admin-order-story =
    🧾 Sipariş #{ $id } · { $status }
    Müşteri { $customer } · { $kind }
    Paket: { $bundle }
    Fiyat { $price } · maliyet { $cost }
    Oluşturulma { $created }
    eSIM Go siparişi: { $reference }
    Deneme: { $attempts } · son hata: { $error }
    İade: { $refund }
admin-order-events = Olaylar:
admin-order-event = { $at } · { $type } { $detail }
admin-none = —
admin-retry-queued = 🔁 #{ $id } numaralı sipariş yeniden denenmek üzere sıraya alındı.
admin-retry-not-retryable = #{ $id } numaralı sipariş mevcut durumunda yeniden denenemez.
admin-refund-refunding = 💸 #{ $id } numaralı siparişin iadesi başlatıldı.
admin-refund-already = #{ $id } numaralı sipariş zaten iade edildi ya da iade ediliyor.
admin-refund-not-refundable = #{ $id } numaralı sipariş mevcut durumunda iade edilemez.
admin-refund-busy = #{ $id } numaralı sipariş şu anda eSIM Go'da veriliyor. Bir dakika sonra /order { $id } ile geçmişine bakın; eSIM alınmadıysa iade edin.
admin-stats-title = 📊 Satışlar (teslim edilen siparişler):
admin-stats-line = { $period }: { $sales } satış · ciro { $revenue } · maliyet { $cost } · kâr { $margin }
admin-stats-discounts = { $period }: promosyon kodları { $sales } satışta { $discount } indirim yaptı; yukarıdaki ciro ve kâr indirimler sonrasıdır
period-today = Bugün
period-7d = 7 gün
period-30d = 30 gün
admin-sync-started = 🔄 Katalog eşitleniyor…
admin-sync-ok = ✅ Katalog eşitlendi: { $count } paket.
admin-sync-failed = ❌ Katalog eşitlemesi başarısız: { $cause }. Önceki katalog kullanılmaya devam ediyor.

## Komut menüsü

cmd-start = Ana menü
cmd-buy = eSIM satın al
cmd-myesims = eSIM'lerim ve kalan veri
cmd-help = Yardım ve kurulum rehberi
cmd-language = Dili değiştir
cmd-paysupport = Ödeme yardımı
cmd-balance = eSIM Go bakiyesi
cmd-orders = Son ve takılan siparişler
cmd-order = Bir siparişin geçmişi
cmd-retry = Siparişi yeniden dene
cmd-refund = Siparişi iade et
cmd-stats = Satışlar ve kâr
cmd-sync = Kataloğu şimdi eşitle

# WhatsApp: list and button words, the template parameter
wa-more = Daha fazla…
wa-more-title = Diğer seçenekler:
wa-list-button = Seç
wa-choose = Seçin:
wa-more-expired = Bu liste çok eski. İşte ana menü:
wa-template-order = sipariş #{ $order }

# Erasing a customer's data
delete-confirm = Bu işlem verilerinizi siler: size buradan nasıl ulaştığımızı, dilinizi ve eSIM'lerinizin QR kodlarını ve kurulum kodlarını (önce kaydedin: tekrar gösterilemezler). eSIM'leriniz çalışmaya devam eder, siparişleriniz ise sizi tanımlayan hiçbir şey olmadan muhasebemizde kalır. Devam edilsin mi?
btn-delete-confirm = 🗑 Evet, verilerimi sil
delete-done = Verileriniz silindi. Tekrar yazarsanız yeni bir müşteri olarak başlarsınız.
delete-in-progress = Bir siparişiniz hâlâ hazırlanıyor. Lütfen teslim edildikten sonra tekrar deneyin.
help-privacy = Verilerinizi silmek için /deletemydata gönderin.
