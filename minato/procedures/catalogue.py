"""Minato City's demo procedure catalogue (手続き一覧), loaded by `manage.py load_demo`.

Sources: 港区DX推進計画 (2023 revision: initiatives 1, 7, 22, 42 and 43 name the 粗大ごみ,
区民向け住宅, smartphone-lending and 中小企業DX procedures); Minato City's 例規集 (港区立住宅条例,
港区特定公共賃貸住宅条例, 港区補助金等交付規則); its 区民向け住宅 入居者募集 page (eligibility);
published terms of its 中小企業ソフトウェア導入費等支援事業補助金 (FY2025) and of its 2022
smartphone-lending scheme; the national laws cited in each entry. Other fees (300 yen per
certificate, 3,000 yen per dog) are the 23 special wards' standard amounts; the 粗大ごみ base
price of 400 yen per item, the seal-registration fee and the processing days are demo values
for staff to check and keep current in the console. No real people are named.
"""

from __future__ import annotations

from typing import Any

# Translated text is a dict with the keys "ja", "en", "ja-easy" (やさしい日本語: short,
# simple words, hiragana with spaces between phrases).

CATEGORIES: list[dict[str, Any]] = [
    {
        "code": "koseki-jumin",
        "name": {
            "ja": "住民票・戸籍・印鑑",
            "en": "Residence records, family register and seals",
            "ja-easy": "じゅうみんひょう・こせき・はんこ",
        },
        "sort_order": 10,
    },
    {
        "code": "gomi",
        "name": {
            "ja": "ごみ・リサイクル",
            "en": "Waste and recycling",
            "ja-easy": "ごみ・リサイクル",
        },
        "sort_order": 20,
    },
    {
        "code": "sumai",
        "name": {
            "ja": "住まい",
            "en": "Housing",
            "ja-easy": "すまい（いえ）",
        },
        "sort_order": 30,
    },
    {
        "code": "kosodate",
        "name": {
            "ja": "子育て・教育",
            "en": "Children and education",
            "ja-easy": "こそだて・がっこう",
        },
        "sort_order": 40,
    },
    {
        "code": "fukushi-kaigo",
        "name": {
            "ja": "福祉・介護",
            "en": "Welfare and long-term care",
            "ja-easy": "ふくし・かいご（おてつだい）",
        },
        "sort_order": 50,
    },
    {
        "code": "kenko-hoken",
        "name": {
            "ja": "健康・保険・衛生",
            "en": "Health, insurance and hygiene",
            "ja-easy": "けんこう・ほけん",
        },
        "sort_order": 60,
    },
    {
        "code": "zeikin",
        "name": {
            "ja": "税金",
            "en": "Taxes",
            "ja-easy": "ぜいきん",
        },
        "sort_order": 70,
    },
    {
        "code": "jigyosha",
        "name": {
            "ja": "事業者向け",
            "en": "For businesses",
            "ja-easy": "かいしゃ・おみせの ひと",
        },
        "sort_order": 80,
    },
    {
        "code": "machizukuri",
        "name": {
            "ja": "道路・まちづくり",
            "en": "Roads and town planning",
            "ja-easy": "みち・まちづくり",
        },
        "sort_order": 90,
    },
]

LIFE_EVENTS: list[dict[str, Any]] = [
    {
        "code": "hikkoshi",
        "name": {
            "ja": "引っ越し",
            "en": "Moving house",
            "ja-easy": "ひっこし",
        },
        "sort_order": 10,
    },
    {
        "code": "shussan",
        "name": {
            "ja": "出産",
            "en": "Having a baby",
            "ja-easy": "あかちゃんが うまれる",
        },
        "sort_order": 20,
    },
    {
        "code": "nyuen-nyugaku",
        "name": {
            "ja": "入園・入学",
            "en": "Starting nursery or school",
            "ja-easy": "ほいくえん・がっこうに はいる",
        },
        "sort_order": 30,
    },
    {
        "code": "shushoku-taishoku",
        "name": {
            "ja": "就職・退職",
            "en": "Starting or leaving a job",
            "ja-easy": "しごとを はじめる・やめる",
        },
        "sort_order": 40,
    },
    {
        "code": "kekkon-rikon",
        "name": {
            "ja": "結婚・離婚",
            "en": "Marriage and divorce",
            "ja-easy": "けっこん・りこん",
        },
        "sort_order": 50,
    },
    {
        "code": "korei-kaigo",
        "name": {
            "ja": "高齢・介護",
            "en": "Older age and care",
            "ja-easy": "おとしより・かいご",
        },
        "sort_order": 60,
    },
    {
        "code": "okuyami",
        "name": {
            "ja": "おくやみ（ご家族が亡くなったとき）",
            "en": "When someone dies",
            "ja-easy": "かぞくが なくなった とき",
        },
        "sort_order": 70,
    },
    {
        "code": "kigyo",
        "name": {
            "ja": "起業・開業",
            "en": "Starting a business",
            "ja-easy": "しごとを はじめる（かいしゃ・おみせ）",
        },
        "sort_order": 80,
    },
]

PROCEDURES: list[dict[str, Any]] = [
    {
        "slug": "sodai-gomi",
        "department": "kankyo-risaikuru-shien.minato-risaikuru-seiso",
        "categories": ["gomi"],
        "life_events": ["hikkoshi", "okuyami"],
        "name": {
            "ja": "粗大ごみ収集の申込",
            "en": "Booking a bulky waste collection",
            "ja-easy": "おおきい ごみを とりに きて もらう もうしこみ",
        },
        "summary": {
            "ja": (
                "一辺がおおむね30cmを超える家具・寝具・自転車などの粗大ごみの収集を申し込みます。"
                "品目ごとの手数料をオンラインで支払うか、有料粗大ごみ処理券を貼って、"
                "収集日の朝8時までに指定の場所へ出してください。"
            ),
            "en": (
                "Book the collection of bulky household items such as furniture, bedding and "
                "bicycles (roughly over 30 cm on any side). Pay the fee for each item online or "
                "stick a bulky waste ticket on it, and put it out at the agreed place by 8 a.m. on "
                "collection day."
            ),
            "ja-easy": (
                "おおきい かぐ、ふとん、じてんしゃ などを すてる ときの もうしこみ です。"
                "ひとつずつ おかねが かかります。あつめる ひの あさ 8じまでに そとに だして "
                "ください。"
            ),
        },
        "eligibility": {
            "ja": (
                "港区内の家庭から出る粗大ごみを出す方（区内に住む方）。"
                "事業活動に伴って出るごみは対象外です。"
            ),
            "en": (
                "Anyone living in Minato City throwing out bulky waste from their home. Waste from "
                "business activities is not accepted."
            ),
            "ja-easy": "みなとくに すんで いる ひと。かいしゃや おみせの ごみは だせません。",
        },
        "documents": [],
        "fee_type": "per_item",
        "fee_amount_yen": 400,
        "fee_note": {
            "ja": (
                "手数料は品目と大きさごとに決まっています（1点400円から）。"
                "申込時に品目ごとの金額が表示され、合計額を確認してから申し込みます。"
                "オンラインでのキャッシュレス払いのほか、コンビニ等で有料粗大ごみ処理券（A券200円・"
                "B券300円）を購入して貼ることもできます。"
            ),
            "en": (
                "The fee is set for each kind and size of item, from 400 yen per item; the amount "
                "for each item and the total are shown before you confirm the booking. Pay "
                "cashless online, or buy bulky waste tickets (A: 200 yen, B: 300 yen) at a "
                "convenience store and stick them on the items."
            ),
            "ja-easy": (
                "ひとつ 400えん から です。ものに よって ちがいます。もうしこみの とき いくらか "
                "でます。インターネットで はらうか、コンビニで けん（シール）を かって はって "
                "ください。"
            ),
        },
        "processing_days": 7,
        "legal_basis": (
            "廃棄物の処理及び清掃に関する法律第6条の2、港区廃棄物の処理及び再利用に関する条例"
        ),
        "availability": "online",
        "offline_reason": {},
        "keywords": (
            "粗大ゴミ そだいごみ 大型ごみ 家具 ベッド ソファ たんす 自転車 布団 処理券 "
            "みなと粗大ごみ受付センター 引越し"
        ),
        # Anyone can book without an account (they confirm an email address instead).
        "allows_guest": True,
    },
    {
        "slug": "juminhyo-utsushi",
        "department": "shiba.kumin",
        "categories": ["koseki-jumin"],
        "life_events": ["hikkoshi", "shushoku-taishoku", "kekkon-rikon"],
        "name": {
            "ja": "住民票の写し等の交付請求",
            "en": "Requesting a copy of your residence record (住民票)",
            "ja-easy": "じゅうみんひょうを もらう もうしこみ",
        },
        "summary": {
            "ja": (
                "港区に住民登録がある方の住民票の写し・住民票記載事項証明書を請求します。"
                "マイナンバーカードで本人確認をしてオンラインで申し込み、"
                "手数料をキャッシュレスで支払うと、住民登録のある住所へ郵送します。"
            ),
            "en": (
                "Request a copy of the residence record (住民票の写し) or a certificate of its "
                "entries for a person registered in Minato. Apply online with your My Number Card, "
                "pay the fee cashless, and it is posted to the registered address."
            ),
            "ja-easy": (
                "じゅうみんひょうを インターネットで たのめます。マイナンバーカードを つかいます。"
                "いえに ゆうびんで おくります。"
            ),
        },
        "eligibility": {
            "ja": (
                "本人または同じ世帯の方。代理人や第三者が請求する場合は窓口または郵送での請求となり"
                "ます（委任状等が必要）。"
            ),
            "en": (
                "The person themselves or a member of the same household. Agents and third parties "
                "must apply at the counter or by post, with a letter of authorisation."
            ),
            "ja-easy": (
                "じぶん か いっしょに すんで いる かぞく。ほかの ひとが たのむ ときは まどぐちに "
                "きて ください。"
            ),
        },
        "documents": [
            {
                "ja": "マイナンバーカード（署名用電子証明書とその暗証番号）",
                "en": "My Number Card (with its signature certificate and PIN)",
                "ja-easy": "マイナンバーカード と あんしょうばんごう",
            },
        ],
        "fee_type": "fixed",
        "fee_amount_yen": 300,
        "fee_note": {
            "ja": "1通300円です（港区手数料条例）。郵送料は区が負担します。",
            "en": "300 yen per copy (Minato City Fees Ordinance). The ward pays the postage.",
            "ja-easy": "1まい 300えん です。ゆうびんの おかねは いりません。",
        },
        "processing_days": 5,
        "legal_basis": "住民基本台帳法第12条、港区手数料条例",
        "availability": "online",
        "offline_reason": {},
        "keywords": "住民票 じゅうみんひょう 写し 記載事項証明書 証明書 郵送 マイナンバーカード",
    },
    {
        "slug": "kumin-muke-jutaku-todokede",
        "department": "machizukuri-shien.jutaku",
        "categories": ["sumai"],
        "life_events": ["shussan", "kekkon-rikon", "okuyami", "hikkoshi"],
        "name": {
            "ja": "区民向け住宅に関する届出（世帯員の異動・長期不在・退去）",
            "en": "Notifications for tenants of ward rental housing (区民向け住宅)",
            "ja-easy": "くの いえ（くみんむけ じゅうたく）に すむ ひとの とどけ",
        },
        "summary": {
            "ja": (
                "区民向け住宅に住んでいる方が、出生・死亡・転出などによる世帯員の異動、"
                "1か月以上の不在、住宅の返還（退去）などを届け出ます。"
                "来庁せずにオンラインで届け出ることができます。"
            ),
            "en": (
                "Tenants of Minato's ward rental housing report changes in the household (birth, "
                "death, moving out), an absence of a month or more, or returning the flat when "
                "they leave. No need to visit the ward office."
            ),
            "ja-easy": (
                "くみんむけ じゅうたくに すむ ひとが、かぞくが ふえた とき、へった とき、ながく "
                "いえに いない とき、いえを でる ときに だす とどけ です。"
            ),
        },
        "eligibility": {
            "ja": "区民向け住宅（区立住宅・特定公共賃貸住宅など）の使用者（名義人）",
            "en": (
                "The named tenant of a Minato ward rental flat (区立住宅, 特定公共賃貸住宅 and "
                "similar)"
            ),
            "ja-easy": "くみんむけ じゅうたくを かりて いる ひと",
        },
        "documents": [
            {
                "ja": "異動を確認できる書類（出生・死亡の場合は戸籍の記載事項が分かるものなど）",
                "en": (
                    "A document showing the change (for a birth or death, for example a document "
                    "showing the family register entry)"
                ),
                "ja-easy": "かぞくが かわった ことが わかる かみ",
            },
            {
                "ja": "退去の場合：住宅返還届と鍵の返却日の希望",
                "en": (
                    "When leaving: the return-of-premises form and your preferred key handover date"
                ),
                "ja-easy": "でる とき：かぎを かえす ひ",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {},
        "processing_days": 10,
        "legal_basis": "港区立住宅条例、港区特定公共賃貸住宅条例",
        "availability": "online",
        "offline_reason": {},
        "keywords": (
            "区民向け住宅 くみんむけじゅうたく 区立住宅 住宅課 同居 異動届 長期不在 退去 返還"
        ),
    },
    {
        "slug": "kumin-muke-jutaku-nyukyo-moshikomi",
        "department": "machizukuri-shien.jutaku",
        "categories": ["sumai"],
        "life_events": ["hikkoshi", "kekkon-rikon", "shussan"],
        "name": {
            "ja": "区民向け住宅の入居者募集への申込",
            "en": "Applying for a ward rental housing (区民向け住宅) vacancy",
            "ja-easy": "くの いえ（くみんむけ じゅうたく）に すむ ための もうしこみ",
        },
        "summary": {
            "ja": (
                "中堅所得層のファミリー世帯などを対象とした区民向け住宅の入居者募集に申し込みます。"
                "募集期間中にオンラインで申し込み、応募多数の場合は抽選で入居候補者を決めます。"
            ),
            "en": (
                "Apply when Minato advertises vacancies in its ward rental housing for "
                "middle-income households and families. Apply online during the application period;"
                " if there are more applicants than flats, candidates are chosen by lottery."
            ),
            "ja-easy": (
                "くが かす いえに すみたい ひとの もうしこみ です。もうしこむ ひとが おおい ときは "
                "くじで きめます。"
            ),
        },
        "eligibility": {
            "ja": (
                "申込者または申込者・配偶者の親が港区内に住んでいること、"
                "家族向けは同居する親族等がいること、世帯の所得が基準内であること、"
                "自ら住む住宅が必要であること、住民税を滞納していないことなど（詳しくは募集ごとの「"
                "申込みのしおり」を確認してください）"
            ),
            "en": (
                "You or a parent of you or your spouse must live in Minato; family flats need a "
                "relative or partner who lives or will live with you; household income must be "
                "within the set range; you must need a home to live in yourself and have no unpaid "
                "residents' tax (see each round's application guide for details)."
            ),
            "ja-easy": (
                "みなとくに すんで いて、おかねの じょうけんに あう ひと。くわしくは ぼしゅうの "
                "おしらせを みて ください。"
            ),
        },
        "documents": [
            {
                "ja": "世帯全員の所得を証明する書類（特別区民税・都民税課税（非課税）証明書）",
                "en": (
                    "Proof of income of every household member (ward and metropolitan residents' "
                    "tax certificate)"
                ),
                "ja-easy": "かぞく みんなの おかねの しょうめいしょ",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {},
        "processing_days": None,
        "legal_basis": "港区立住宅条例、港区特定公共賃貸住宅条例",
        "availability": "online",
        "offline_reason": {},
        "keywords": "区民向け住宅 くみんむけじゅうたく 区立住宅 入居者募集 抽選 ファミリー 賃貸",
    },
    {
        "slug": "chusho-kigyo-dx-hojokin",
        "department": "sangyo-chiiki-shinko.sangyo-shinko",
        "categories": ["jigyosha"],
        "life_events": ["kigyo"],
        "name": {
            "ja": "中小企業DX促進支援事業 補助金（ソフトウェア導入費等）の交付申請",
            "en": (
                "Applying for the SME digital transformation (DX) subsidy for software and cloud "
                "services"
            ),
            "ja-easy": "ちいさい かいしゃの デジタル（DX）の ための おかねの もうしこみ",
        },
        "summary": {
            "ja": (
                "区内中小企業者が生産性向上のためにクラウドサービスや業務システムなどを導入する経費"
                "の一部を補助します。事業計画書と見積書を添付してオンラインで申請し、"
                "審査のうえ交付を決定します。"
            ),
            "en": (
                "Minato pays part of the cost when a small or medium-sized business in the ward "
                "introduces cloud services, business software or other digital tools to raise "
                "productivity. Apply online with your business plan and quotations; the ward "
                "reviews the application and decides the grant."
            ),
            "ja-easy": (
                "くの ちいさい かいしゃが パソコンの しごとの しくみを いれる とき、おかねの "
                "いちぶを くが だします。"
            ),
        },
        "eligibility": {
            "ja": (
                "中小企業基本法第2条に定める中小企業者で、法人は区内に本店登記と事業所があること、"
                "個人事業者は区内に事業所があること。区内で1年以上事業を営み、"
                "法人事業税・法人都民税（個人は特別区民税・都民税）を滞納していないこと"
            ),
            "en": (
                "Small and medium-sized enterprises as defined in the SME Basic Act: companies "
                "with their registered head office and a place of business in Minato, or sole "
                "proprietors with a place of business in Minato, trading in the ward for at least "
                "a year, with no unpaid business or residents' taxes."
            ),
            "ja-easy": (
                "みなとくに かいしゃや おみせが ある ひと。1ねん いじょう しごとを して いる ひと。"
                "ぜいきんを ちゃんと はらって いる ひと。"
            ),
        },
        "documents": [
            {
                "ja": "事業計画書",
                "en": "Business plan for the DX project",
                "ja-easy": "なにを するかの けいかくしょ",
            },
            {
                "ja": "導入する機器・サービスの見積書の写し",
                "en": "Copy of the quotation for the equipment or service",
                "ja-easy": "いくら かかるかの みつもりしょ",
            },
            {
                "ja": "法人は履歴事項全部証明書（3か月以内）、個人事業主は開業届の写し",
                "en": (
                    "Companies: certificate of registered matters (issued within 3 months); sole "
                    "proprietors: copy of the notice of opening a business"
                ),
                "ja-easy": "かいしゃの とうきの しょうめいしょ（おみせの ひとは かいぎょうとどけ）",
            },
            {
                "ja": "直近の納税証明書",
                "en": "Latest tax payment certificate",
                "ja-easy": "ぜいきんを はらった しょうめいしょ",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {
            "ja": (
                "申請に手数料はかかりません。補助額はソフトウェア・クラウドサービス等の導入費の一部"
                "（令和7年度は対象経費の4分の3以内、上限40万円）で、"
                "審査のうえ交付決定通知でお知らせします。"
            ),
            "en": (
                "There is no fee to apply. The grant covers part of the cost of software, cloud "
                "services and similar (in FY2025 up to three quarters of eligible costs, at most "
                "400,000 yen); the amount is confirmed in the grant decision notice after review."
            ),
            "ja-easy": (
                "もうしこみに おかねは いりません。もらえる おかねは しらべてから きめます。"
            ),
        },
        "processing_days": 20,
        "legal_basis": (
            "地方自治法第232条の2、港区補助金等交付規則、"
            "港区中小企業ソフトウェア導入費等支援事業補助金交付要綱"
        ),
        "availability": "online",
        "offline_reason": {},
        "keywords": (
            "補助金 助成金 DX デジタル化 IT導入 クラウド 中小企業 ちゅうしょうきぎょう 産業振興課 "
            "DX巡回相談"
        ),
    },
    {
        "slug": "smartphone-kashidashi",
        "department": "hoken-fukushi-shien.koreisha-shien",
        "categories": ["fukushi-kaigo"],
        "life_events": ["korei-kaigo"],
        "name": {
            "ja": "高齢者・障害者向けスマートフォン等の貸出申込",
            "en": "Borrowing a smartphone or tablet (older and disabled residents)",
            "ja-easy": (
                "スマホや タブレットを かりる もうしこみ（おとしより・しょうがいの ある ひと）"
            ),
        },
        "summary": {
            "ja": (
                "スマートフォン等を持っていない高齢者や、操作に不慣れな障害者とその支援者に、"
                "区がスマートフォンやタブレットを一定期間（おおむね6か月）無料で貸し出します。"
                "講習会で使い方やLINE・便利なアプリの活用方法をお伝えし、"
                "いきいきプラザ等でデジタル活用支援員に相談できます。"
            ),
            "en": (
                "Minato lends smartphones and tablets free of charge for a period (about six "
                "months) to older residents who do not have one, and to disabled residents (and "
                "their supporters) who are new to them. Classes show you how to use the device, "
                "LINE and useful apps, and digital support staff at the Ikiiki Plaza centres "
                "answer questions."
            ),
            "ja-easy": (
                "スマホを もって いない おとしよりや しょうがいの ある ひとに、くが スマホを "
                "ただで かします。つかいかたも おしえます。"
            ),
        },
        "eligibility": {
            "ja": (
                "港区に住む65歳以上の方、または身体障害者手帳・愛の手帳・精神障害者保健福祉手帳をお"
                "持ちの方とその支援者で、スマートフォン等を持っていない方"
            ),
            "en": (
                "Minato residents aged 65 or over, or holders of a physical, intellectual "
                "(愛の手帳) or mental disability certificate and their supporters, who do not own "
                "a smartphone or tablet."
            ),
            "ja-easy": (
                "みなとくに すむ 65さい いじょうの ひと、しょうがいしゃ てちょうを もって いる "
                "ひと。スマホを もって いない ひと。"
            ),
        },
        "documents": [
            {
                "ja": "障害者手帳の写し（障害者の方が申し込む場合）",
                "en": "Copy of the disability certificate (disabled applicants)",
                "ja-easy": "しょうがいしゃ てちょうの コピー（しょうがいの ある ひと）",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {
            "ja": "貸出・通信料とも無料です。",
            "en": "Both the device and its data plan are free.",
            "ja-easy": "おかねは いりません。",
        },
        "processing_days": 10,
        "legal_basis": "",
        "availability": "online",
        "offline_reason": {},
        "keywords": (
            "スマホ すまほ タブレット 貸出 貸し出し 高齢者 障害者 デジタルデバイド "
            "デジタル活用支援員 いきいきプラザ スマホ講習会"
        ),
        # Many who would borrow a device have no account: they apply with an email address.
        "allows_guest": True,
    },
    {
        "slug": "inkan-toroku",
        "department": "shiba.kumin",
        "categories": ["koseki-jumin"],
        "life_events": ["hikkoshi", "kigyo"],
        "name": {
            "ja": "印鑑登録",
            "en": "Registering your personal seal (印鑑登録)",
            "ja-easy": "はんこの とうろく",
        },
        "summary": {
            "ja": (
                "不動産の登記や自動車の登録などで必要な印鑑登録証明書を取るために、"
                "実印とする印鑑を登録します。本人が顔写真付きの本人確認書類を持って来庁すれば、"
                "その場で登録でき印鑑登録証（カード）を交付します。"
                "それ以外の場合は照会書を郵送して意思を確認するため、後日の来庁が必要です。"
            ),
            "en": (
                "Register the seal you will use as your official seal (実印), so that you can "
                "obtain seal certificates for property registration, car registration and similar. "
                "If you come in person with photo ID it is registered on the spot and you receive "
                "a seal registration card; otherwise an inquiry letter is posted to you and you "
                "return with it later."
            ),
            "ja-easy": (
                "だいじな はんこを くやくしょに とうろく します。じぶんで はんこと かおしゃしんの "
                "ある カードを もって まどぐちに きて ください。"
            ),
        },
        "eligibility": {
            "ja": (
                "港区に住民登録がある15歳以上で意思能力のある方（成年被後見人は法定代理人が同行する"
                "場合に限ります）"
            ),
            "en": (
                "Anyone aged 15 or over registered as a resident of Minato and able to make their "
                "own decisions (an adult ward only with their legal guardian present)"
            ),
            "ja-easy": "みなとくに じゅうみんとうろくが ある 15さい いじょうの ひと",
        },
        "documents": [
            {
                "ja": (
                    "登録する印鑑（ゴム印・変形しやすいもの、一辺8mm未満または25mmを超えるものは不"
                    "可）"
                ),
                "en": (
                    "The seal to register (not rubber or easily deformed, and between 8 mm and 25 "
                    "mm on a side)"
                ),
                "ja-easy": "とうろくする はんこ（ゴムの はんこは だめ）",
            },
            {
                "ja": "顔写真付きの本人確認書類（マイナンバーカード、運転免許証、旅券など）",
                "en": "Photo ID (My Number Card, driving licence, passport, etc.)",
                "ja-easy": (
                    "かおしゃしんの ある カード（マイナンバーカード、うんてんめんきょしょう など）"
                ),
            },
        ],
        "fee_type": "fixed",
        "fee_amount_yen": 50,
        "fee_note": {
            "ja": (
                "登録（印鑑登録証の交付）の手数料は50円です。"
                "印鑑登録証明書の交付は別に1通300円かかります。"
            ),
            "en": (
                "Registration (including the seal registration card) costs 50 yen. Each seal "
                "registration certificate costs a further 300 yen."
            ),
            "ja-easy": "とうろくは 50えん です。しょうめいしょは 1まい 300えん です。",
        },
        "processing_days": None,
        "legal_basis": "港区印鑑条例、港区手数料条例",
        "availability": "counter_by_law",
        "offline_reason": {
            "ja": (
                "港区印鑑条例により、印鑑登録は登録する本人が申請し、"
                "区が印鑑の実物と印影を確認したうえで、本人確認書類による確認または照会書（回答書）"
                "による意思確認を経て登録する手続です。印鑑の実物の確認と印鑑登録証の交付が必要なた"
                "め、オンラインでは受け付けられません。"
            ),
            "en": (
                "Under the Minato City Seal Ordinance, the ward must examine the physical seal and "
                "its impression and confirm the applicant's identity and intent (by photo ID or an "
                "inquiry letter) before registering it, and must hand over the seal registration "
                "card. This cannot be done online."
            ),
            "ja-easy": (
                "ほんものの はんこを みて たしかめる ひつようが あるので、インターネットでは "
                "できません。まどぐちに きて ください。"
            ),
        },
        "keywords": "印鑑 いんかん はんこ ハンコ 実印 印鑑登録証 印鑑証明 印鑑登録証明書",
    },
    {
        "slug": "tennyu-todoke",
        "department": "shiba.kumin",
        "categories": ["koseki-jumin"],
        "life_events": ["hikkoshi"],
        "name": {
            "ja": "転入届",
            "en": "Notification of moving in (転入届)",
            "ja-easy": "みなとくに ひっこして きた ときの とどけ",
        },
        "summary": {
            "ja": (
                "他の市区町村から港区に引っ越してきたときに、住み始めた日から14日以内に届け出ます。"
                "マイナポータルの引越しワンストップサービスで転出届を出した方は、"
                "来庁予定日を事前に連絡できますが、転入届そのものは窓口で行います。"
            ),
            "en": (
                "When you move to Minato from another municipality, notify the ward within 14 days "
                "of starting to live here. If you sent your moving-out notice through Mynaportal's "
                "one-stop moving service you can tell us in advance when you will come, but the "
                "moving-in notification itself is made at the counter."
            ),
            "ja-easy": (
                "ほかの まちから みなとくに ひっこして きたら、14にち いないに まどぐちに きて "
                "ください。"
            ),
        },
        "eligibility": {
            "ja": "港区に住所を移した方本人、同じ世帯の方、または委任を受けた代理人",
            "en": "The person who moved, a member of their household, or an authorised agent",
            "ja-easy": "ひっこして きた ひと か その かぞく",
        },
        "documents": [
            {
                "ja": "転出証明書（マイナンバーカード等による特例転出の場合は不要）",
                "en": (
                    "Moving-out certificate from your previous municipality (not needed if you "
                    "moved out using your My Number Card)"
                ),
                "ja-easy": "まえの まちで もらった てんしゅつしょうめいしょ",
            },
            {
                "ja": "世帯全員分のマイナンバーカードまたは住民基本台帳カード",
                "en": "My Number Cards (or Basic Resident Register cards) of everyone who moved",
                "ja-easy": "ひっこした ひと みんなの マイナンバーカード",
            },
            {
                "ja": "本人確認書類（マイナンバーカード、運転免許証など）",
                "en": "Proof of identity (My Number Card, driving licence, etc.)",
                "ja-easy": (
                    "あなたが だれか わかる カード（マイナンバーカード、うんてんめんきょしょう "
                    "など）"
                ),
            },
            {
                "ja": "外国籍の方：在留カードまたは特別永住者証明書",
                "en": "Foreign residents: residence card or special permanent resident certificate",
                "ja-easy": "がいこくじんの ひと：ざいりゅうカード",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {},
        "processing_days": None,
        "legal_basis": "住民基本台帳法第22条、第24条の2、第30条の46",
        "availability": "counter_by_law",
        "offline_reason": {
            "ja": (
                "住民基本台帳法第22条により転入届は新しい住所に住み始めてから14日以内に市区町村長に"
                "届け出るもので、マイナンバーカード等を使った特例転入（同法第24条の2）でも、"
                "転入届の際に窓口でカードを提示し、本人確認とカードの継続利用手続を行うことが定めら"
                "れています。このため、オンラインでは転入予定の連絡までしかできません。"
            ),
            "en": (
                "Under Article 22 of the Basic Resident Registration Act the notice is made to the "
                "mayor within 14 days of moving in, and even for a card-based move (Article 24-2) "
                "the My Number Card must be presented at the counter for identity checks and to "
                "keep the card valid at the new address. Online, you can only tell us that you are "
                "coming."
            ),
            "ja-easy": (
                "ほうりつで まどぐちで カードを みせて、ほんにんか たしかめる ことに なって いる "
                "ので、インターネットでは できません。"
            ),
        },
        "keywords": (
            "転入 てんにゅう 引越し 引っ越し 住所変更 住民登録 引越しワンストップ マイナポータル"
        ),
    },
    {
        "slug": "tenshutsu-todoke",
        "department": "shiba.kumin",
        "categories": ["koseki-jumin"],
        "life_events": ["hikkoshi"],
        "name": {
            "ja": "転出届",
            "en": "Notification of moving out (転出届)",
            "ja-easy": "みなとくから ひっこす ときの とどけ",
        },
        "summary": {
            "ja": (
                "港区から他の市区町村へ引っ越すときに届け出ます。マイナンバーカードをお持ちの方は、"
                "マイナポータルの引越しワンストップサービスでオンラインで届け出ることができ、"
                "転出証明書の受取は不要です（新住所での転入届は窓口で行います）。"
            ),
            "en": (
                "Notify the ward when you move from Minato to another municipality. With a My "
                "Number Card you can do this online through Mynaportal's one-stop moving service, "
                "and no paper moving-out certificate is needed (the moving-in notice at your new "
                "municipality is still made in person)."
            ),
            "ja-easy": (
                "みなとくから ほかの まちに ひっこす ときの とどけ です。マイナンバーカードが "
                "あれば インターネットで できます。"
            ),
        },
        "eligibility": {
            "ja": (
                "港区に住民登録があり、区外へ引っ越す方本人または同じ世帯の方。"
                "オンライン届出はマイナンバーカードをお持ちの方"
            ),
            "en": (
                "The person moving out of Minato or a member of their household; online notice "
                "requires a My Number Card"
            ),
            "ja-easy": (
                "みなとくから ひっこす ひと。インターネットでは マイナンバーカードが いります。"
            ),
        },
        "documents": [
            {
                "ja": "マイナンバーカード（署名用電子証明書とその暗証番号）",
                "en": "My Number Card (with its signature certificate and PIN)",
                "ja-easy": "マイナンバーカード と あんしょうばんごう",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {},
        "processing_days": 2,
        "legal_basis": "住民基本台帳法第24条、第24条の2",
        "availability": "online",
        "offline_reason": {},
        "keywords": "転出 てんしゅつ 引越し 引っ越し 転出証明書 引越しワンストップ マイナポータル",
    },
    {
        "slug": "jido-teate-nintei",
        "department": "kodomo-katei-shien.kodomo-seisaku",
        "categories": ["kosodate"],
        "life_events": ["shussan", "hikkoshi"],
        "name": {
            "ja": "児童手当の認定請求",
            "en": "Claiming child allowance (児童手当)",
            "ja-easy": "こどもの てあてを もらう もうしこみ",
        },
        "summary": {
            "ja": (
                "高校生年代までの子どもを育てている方が児童手当を受け取るための請求です。"
                "出生や転入の翌日から15日以内に請求すると、その翌月分から支給されます。"
                "マイナポータルからオンラインで請求できます。"
            ),
            "en": (
                "Claim the child allowance if you are raising children up to the end of "
                "high-school age. Claim within 15 days of a birth or of moving in to be paid from "
                "the following month. You can claim online through Mynaportal."
            ),
            "ja-easy": (
                "こどもを そだてて いる ひとが おかねを もらう もうしこみ です。うまれてから、"
                "または ひっこして きてから 15にち いないに だして ください。"
            ),
        },
        "eligibility": {
            "ja": (
                "港区に住み、18歳到達後最初の3月31日までの子どもを養育している方（公務員の方は勤務"
                "先に請求します）。令和6年10月分から所得制限はありません。"
            ),
            "en": (
                "Minato residents raising a child up to 31 March after the child turns 18 (public "
                "servants claim through their employer). Since October 2024 there is no income "
                "limit."
            ),
            "ja-easy": "みなとくに すんで、こうこうせい までの こどもを そだてて いる ひと。",
        },
        "documents": [
            {
                "ja": "請求者名義の振込先口座が分かるもの",
                "en": "Details of a bank account in the claimant's name",
                "ja-easy": "おかねを うけとる ぎんこうの こうざ",
            },
            {
                "ja": "マイナンバー（個人番号）が分かるもの",
                "en": "Something showing your My Number (individual number)",
                "ja-easy": "マイナンバーが わかる もの",
            },
            {
                "ja": "子どもと別居している場合：別居監護申立書",
                "en": "If the child lives elsewhere: statement of care for a child living apart",
                "ja-easy": "こどもと べつに すんで いる ときの かみ",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {},
        "processing_days": 20,
        "legal_basis": "児童手当法第7条",
        "availability": "online",
        "offline_reason": {},
        "keywords": "児童手当 じどうてあて 子ども手当 出生 転入 ぴったりサービス マイナポータル",
    },
    {
        "slug": "hoikuen-nyuen-moshikomi",
        "department": "kodomo-katei-shien.hoiku",
        "categories": ["kosodate"],
        "life_events": ["nyuen-nyugaku", "shussan", "shushoku-taishoku"],
        "name": {
            "ja": "保育園等の入園申込（保育の必要性の認定申請）",
            "en": "Applying for a nursery place (保育園)",
            "ja-easy": "ほいくえんに はいる もうしこみ",
        },
        "summary": {
            "ja": (
                "就労・出産・介護などで家庭で保育ができない方が、"
                "認可保育園・認定こども園等の利用を申し込みます。"
                "保育の必要性の認定と利用調整を行い、毎月の締切日までの申込分について結果を通知しま"
                "す。"
            ),
            "en": (
                "Apply for a place at a licensed nursery or centre for early childhood education "
                "if you cannot look after your child at home because of work, childbirth, caring "
                "for a relative or similar. The ward certifies the need for childcare, allocates "
                "places, and notifies results for applications received by each monthly deadline."
            ),
            "ja-easy": (
                "しごと などで こどもを みられない ひとが、ほいくえんに はいる もうしこみ です。"
            ),
        },
        "eligibility": {
            "ja": (
                "港区に住み（転入予定を含む）、保護者の就労・妊娠出産・疾病・介護等で保育を必要とす"
                "る小学校就学前の子どもの保護者"
            ),
            "en": (
                "Parents living in Minato (or about to move in) of a pre-school child who needs "
                "childcare because of work, pregnancy, illness, caring for a relative or similar"
            ),
            "ja-easy": "みなとくに すむ ひとで、しごと などで こどもを みられない ひと",
        },
        "documents": [
            {
                "ja": "保護者それぞれの就労証明書（自営の方は就労状況申告書）",
                "en": (
                    "An employment certificate for each parent (self-employed: self-declaration of "
                    "work)"
                ),
                "ja-easy": "おとうさん・おかあさんの しごとの しょうめいしょ",
            },
            {
                "ja": "マイナンバー（個人番号）が分かるもの",
                "en": "Something showing your My Number (individual number)",
                "ja-easy": "マイナンバーが わかる もの",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {
            "ja": (
                "申込は無料です。入園後の保育料は世帯の住民税額に応じて決まります（3〜5歳児クラスは"
                "無償）。"
            ),
            "en": (
                "Applying is free. Nursery fees after admission depend on the household's "
                "residents' tax (free for 3- to 5-year-old classes)."
            ),
            "ja-easy": "もうしこみは ただ です。",
        },
        "processing_days": None,
        "legal_basis": "児童福祉法第24条、子ども・子育て支援法第20条",
        "availability": "online",
        "offline_reason": {},
        "keywords": "保育園 ほいくえん 保育所 認定こども園 入園 待機児童 就労証明書 育休 復職",
    },
    {
        "slug": "yokaigo-nintei",
        "department": "hoken-fukushi-shien.kaigo-hoken",
        "categories": ["fukushi-kaigo"],
        "life_events": ["korei-kaigo"],
        "name": {
            "ja": "介護保険の要介護・要支援認定申請",
            "en": "Applying for long-term care needs certification",
            "ja-easy": "かいごが ひつようか しらべて もらう もうしこみ",
        },
        "summary": {
            "ja": (
                "介護保険のサービスを利用するために、介護や支援がどの程度必要かの認定を申請します。"
                "認定調査員の訪問調査と主治医意見書をもとに介護認定審査会が判定し、"
                "原則として申請から30日以内に結果を通知します。"
            ),
            "en": (
                "Apply to have your need for care assessed so that you can use long-term care "
                "insurance services. An assessor visits, your doctor writes an opinion, a review "
                "board decides, and the result is normally sent within 30 days of the application."
            ),
            "ja-easy": (
                "かいごの サービスを つかう ための もうしこみ です。ひとが いえに きて、ようすを "
                "ききます。"
            ),
        },
        "eligibility": {
            "ja": (
                "港区の介護保険の被保険者で、65歳以上の方、または40〜64歳で特定疾病により介護が必要"
                "な医療保険加入者。家族やケアマネジャー、地域包括支援センター（高齢者相談センター）"
                "も代わりに申請できます。"
            ),
            "en": (
                "Persons insured under Minato's long-term care insurance aged 65 or over, or aged "
                "40–64 with health insurance and a care need caused by a specified disease. Family,"
                " a care manager or a community general support centre may apply on their behalf."
            ),
            "ja-easy": "65さい いじょうの ひと、または びょうきで かいごが いる 40〜64さいの ひと",
        },
        "documents": [
            {
                "ja": "介護保険被保険者証",
                "en": "Long-term care insurance certificate",
                "ja-easy": "かいごほけんの ほけんしょう",
            },
            {
                "ja": "主治医の氏名・医療機関名が分かるもの",
                "en": "Your doctor's name and clinic or hospital",
                "ja-easy": "いつも いく おいしゃさんの なまえ",
            },
            {
                "ja": "40〜64歳の方：医療保険の資格が確認できるもの",
                "en": "Aged 40–64: proof of health insurance",
                "ja-easy": "40〜64さいの ひと：けんこうほけんが わかる もの",
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {},
        "processing_days": 21,
        "legal_basis": "介護保険法第27条、第32条",
        "availability": "online",
        "offline_reason": {},
        "keywords": (
            "介護 かいご 要介護 要支援 認定 介護認定 ケアマネジャー 高齢者相談センター 介護保険"
        ),
    },
    {
        "slug": "inu-toroku",
        "department": "minato-hokenjo.seikatsu-eisei",
        "categories": ["kenko-hoken"],
        "life_events": [],
        "name": {
            "ja": "犬の登録",
            "en": "Registering a dog",
            "ja-easy": "いぬの とうろく",
        },
        "summary": {
            "ja": (
                "生後91日以上の犬を飼い始めたときは、30日以内に登録し、鑑札の交付を受けます。"
                "あわせて毎年4月から6月に狂犬病予防注射を受けてください。鑑札は郵送します。"
            ),
            "en": (
                "When you start keeping a dog aged 91 days or older, register it within 30 days "
                "and receive its licence tag, which is posted to you. The dog must also get a "
                "rabies vaccination every year between April and June."
            ),
            "ja-easy": "いぬを かいはじめたら 30にち いないに とうろく して ください。",
        },
        "eligibility": {
            "ja": "港区内で生後91日以上の犬を飼っている方",
            "en": "Anyone in Minato keeping a dog aged 91 days or older",
            "ja-easy": "みなとくで いぬを かって いる ひと",
        },
        "documents": [
            {
                "ja": "狂犬病予防注射済証明書（注射を受けている場合）",
                "en": "Rabies vaccination certificate (if the dog has been vaccinated)",
                "ja-easy": "きょうけんびょうの ちゅうしゃを した しょうめいしょ",
            },
        ],
        "fee_type": "fixed",
        "fee_amount_yen": 3000,
        "fee_note": {
            "ja": "登録手数料は1頭3,000円です。狂犬病予防注射済票の交付は別に550円かかります。",
            "en": (
                "The registration fee is 3,000 yen per dog. A rabies vaccination tag costs a "
                "further 550 yen."
            ),
            "ja-easy": "いっぴき 3000えん です。",
        },
        "processing_days": 7,
        "legal_basis": "狂犬病予防法第4条、港区手数料条例",
        "availability": "online",
        "offline_reason": {},
        "keywords": "犬 いぬ イヌ ペット 鑑札 狂犬病 予防注射 マイクロチップ 飼い犬",
    },
    {
        "slug": "kokumin-kenko-hoken-kanyu",
        "department": "hoken-fukushi-shien.kokuho-nenkin",
        "categories": ["kenko-hoken"],
        "life_events": ["shushoku-taishoku", "hikkoshi", "kigyo"],
        "name": {
            "ja": "国民健康保険の加入届",
            "en": "Joining National Health Insurance (国民健康保険)",
            "ja-easy": "こくみん けんこう ほけんに はいる とどけ",
        },
        "summary": {
            "ja": (
                "退職などで勤務先の健康保険をやめたときや、区外から転入したときなどに、"
                "14日以内に国民健康保険の加入を届け出ます。現在は窓口と郵送で受け付けており、"
                "オンライン化を準備しています。"
            ),
            "en": (
                "Join National Health Insurance within 14 days when you leave your employer's "
                "health insurance (for example on retiring) or move in from outside Minato. For "
                "now this is done at the counter or by post; online applications are being "
                "prepared."
            ),
            "ja-easy": (
                "かいしゃを やめて けんこうほけんが なくなった ときなどに だす とどけ です。14にち "
                "いないに だして ください。"
            ),
        },
        "eligibility": {
            "ja": "港区に住民登録があり、職場の健康保険や後期高齢者医療制度などに加入していない方",
            "en": (
                "Minato residents not covered by an employer's health insurance, the late-stage "
                "elderly medical care system or similar"
            ),
            "ja-easy": "みなとくに すんで いて、ほかの けんこうほけんに はいって いない ひと",
        },
        "documents": [
            {
                "ja": "以前の健康保険の資格喪失証明書",
                "en": "Certificate of loss of your previous health insurance",
                "ja-easy": "まえの けんこうほけんを やめた しょうめいしょ",
            },
            {
                "ja": "マイナンバー（個人番号）が分かるもの",
                "en": "Something showing your My Number (individual number)",
                "ja-easy": "マイナンバーが わかる もの",
            },
            {
                "ja": "本人確認書類（マイナンバーカード、運転免許証など）",
                "en": "Proof of identity (My Number Card, driving licence, etc.)",
                "ja-easy": (
                    "あなたが だれか わかる カード（マイナンバーカード、うんてんめんきょしょう "
                    "など）"
                ),
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {
            "ja": "届出は無料です。保険料は世帯の所得などにより決まります。",
            "en": "Joining is free; the premium depends on household income.",
            "ja-easy": "とどけは ただ です。ほけんりょうは あとで きまります。",
        },
        "processing_days": None,
        "legal_basis": "国民健康保険法第9条",
        "availability": "not_yet_online",
        "offline_reason": {},
        "keywords": "国保 こくほ 国民健康保険 加入 退職 健康保険 資格確認書 保険証",
    },
    {
        "slug": "doro-senyo-kyoka",
        "department": "machizukuri-shien.doboku-kanri",
        "categories": ["machizukuri", "jigyosha"],
        "life_events": [],
        "name": {
            "ja": "道路占用許可申請",
            "en": "Applying for a road occupancy permit",
            "ja-easy": "みちを つかう ための きょかの もうしこみ",
        },
        "summary": {
            "ja": (
                "港区が管理する道路（区道）に看板・工事用の足場・配管などを設けて継続して使用すると"
                "きに許可を申請します。図面の確認と事前協議が必要なため、"
                "現在は窓口で受け付けています。"
            ),
            "en": (
                "Apply for permission to place signs, scaffolding, pipes or other objects on a "
                "road managed by Minato City (ward road). Because drawings must be checked and "
                "discussed beforehand, applications are taken at the counter for now."
            ),
            "ja-easy": "くの みちに かんばんや こうじの ものを おく ときの もうしこみ です。",
        },
        "eligibility": {
            "ja": "区道に工作物・物件・施設を設けて道路を継続して使用しようとする個人・事業者",
            "en": (
                "Individuals and businesses who want to place structures or objects on a ward road "
                "for a period of time"
            ),
            "ja-easy": "くの みちに ものを おきたい ひとや かいしゃ",
        },
        "documents": [
            {
                "ja": "道路占用許可申請書",
                "en": "Road occupancy permit application form",
                "ja-easy": "もうしこみしょ",
            },
            {
                "ja": "位置図・平面図・断面図",
                "en": "Location map, plan and cross-section drawings",
                "ja-easy": "ばしょの ちずと ずめん",
            },
            {
                "ja": "工事の場合：工程表と保安施設の計画",
                "en": "For works: schedule and safety measures plan",
                "ja-easy": "こうじの とき：こうじの よていひょう",
            },
        ],
        "fee_type": "assessed",
        "fee_amount_yen": None,
        "fee_note": {
            "ja": (
                "占用料は占用物件の種類・面積・期間に応じて港区道路占用料等徴収条例により算定し、"
                "許可時にお知らせします。警察署への道路使用許可申請（道路交通法第77条）"
                "が別に必要な場合があります。"
            ),
            "en": (
                "The occupancy charge is calculated from the kind, area and duration of the "
                "occupation under the ward's road occupancy charges ordinance and notified with "
                "the permit. A separate road use permit from the police (Road Traffic Act Article "
                "77) may also be needed."
            ),
            "ja-easy": "おかねは つかう ひろさと きかんで きまります。",
        },
        "processing_days": 10,
        "legal_basis": "道路法第32条、港区道路占用料等徴収条例",
        "availability": "not_yet_online",
        "offline_reason": {},
        "keywords": "道路占用 どうろせんよう 区道 看板 足場 工事 占用料 土木管理課",
    },
    {
        "slug": "juminzei-shinkoku",
        "department": "sangyo-chiiki-shinko.zeimu",
        "categories": ["zeikin"],
        "life_events": ["shushoku-taishoku", "kigyo"],
        "name": {
            "ja": "特別区民税・都民税（住民税）の申告",
            "en": "Filing a residents' tax return (住民税の申告)",
            "ja-easy": "じゅうみんぜいの しんこく",
        },
        "summary": {
            "ja": (
                "1月1日に港区に住んでいた方が、前年の所得を3月15日までに申告します。"
                "所得税の確定申告をした方や、給与所得だけで年末調整が済んでいる方は申告不要です。"
                "現在は窓口と郵送で受け付けています。"
            ),
            "en": (
                "People living in Minato on 1 January report the previous year's income by 15 "
                "March. You do not need to if you filed a national income tax return, or if your "
                "only income was salary already adjusted by your employer. For now returns are "
                "accepted at the counter or by post."
            ),
            "ja-easy": (
                "1がつ1にちに みなとくに すんで いた ひとが、まえの としの しゅうにゅうを "
                "しらせます。3がつ15にち までに だして ください。"
            ),
        },
        "eligibility": {
            "ja": (
                "1月1日現在港区に住所があり、所得税の確定申告をしていない方（収入がなかった方も、"
                "課税・非課税証明書や各種手当の手続のため申告が必要な場合があります）"
            ),
            "en": (
                "Residents of Minato on 1 January who did not file a national income tax return "
                "(people with no income may also need to file to obtain tax certificates or "
                "allowances)"
            ),
            "ja-easy": "1がつ1にちに みなとくに すんで いた ひと",
        },
        "documents": [
            {
                "ja": "源泉徴収票・収入の分かる書類",
                "en": "Withholding slips and other proof of income",
                "ja-easy": "しゅうにゅうが わかる かみ",
            },
            {
                "ja": "社会保険料・生命保険料などの控除証明書",
                "en": "Certificates for deductions (social insurance, life insurance, etc.)",
                "ja-easy": "ほけんりょうを はらった しょうめい",
            },
            {
                "ja": "マイナンバー（個人番号）が分かるもの",
                "en": "Something showing your My Number (individual number)",
                "ja-easy": "マイナンバーが わかる もの",
            },
            {
                "ja": "本人確認書類（マイナンバーカード、運転免許証など）",
                "en": "Proof of identity (My Number Card, driving licence, etc.)",
                "ja-easy": (
                    "あなたが だれか わかる カード（マイナンバーカード、うんてんめんきょしょう "
                    "など）"
                ),
            },
        ],
        "fee_type": "none",
        "fee_amount_yen": None,
        "fee_note": {},
        "processing_days": None,
        "legal_basis": "地方税法第317条の2、港区特別区税条例",
        "availability": "not_yet_online",
        "offline_reason": {},
        "keywords": "住民税 じゅうみんぜい 特別区民税 都民税 申告 所得 税務課 確定申告",
    },
]
