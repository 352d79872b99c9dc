"""Demo form definitions (forms as data), published by `load_demo`: one complete form for each
procedure the demo catalogue marks online (11 of them).

Every text is in Japanese, English and やさしい日本語. Fees, item lists and limits follow
Minato's published guidance where we know it and are otherwise **demo values** for staff to
check before real use (each is marked below). The example answers in
``tests/test_demo_forms.py`` show a complete application for each form.
"""

from __future__ import annotations

from typing import Any


def t(ja: str, en: str, easy: str) -> dict[str, str]:
    return {"ja": ja, "en": en, "ja-easy": easy}


def opt(value: str, ja: str, en: str, easy: str, fee_yen: int | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"value": value, "label": t(ja, en, easy)}
    if fee_yen is not None:
        option["fee_yen"] = fee_yen
    return option


def yes_is(question: str) -> dict[str, Any]:
    return {"question": question, "equals": "yes"}


ADDRESS_QUESTIONS: list[dict[str, Any]] = [
    {
        "id": "postal_code",
        "type": "postal_code",
        "prefill": "postal_code",
        "label": t("郵便番号", "Postal code", "ゆうびん ばんごう"),
        "help": t("例：105-8511", "For example 105-8511", "れい：105-8511"),
    },
    {
        "id": "address",
        "type": "text",
        "max_length": 200,
        "prefill": "address",
        "label": t("住所（港区内）", "Address (in Minato City)", "じゅうしょ（みなとく）"),
    },
    {
        "id": "phone",
        "type": "phone",
        "prefill": "phone",
        "label": t("日中の電話番号", "Daytime phone number", "ひるまの でんわ ばんごう"),
    },
]

APPLICANT_NAME: dict[str, Any] = {
    "id": "applicant_name",
    "type": "name",
    "prefill": "name",
    "label": t("申請者の氏名", "Applicant's name", "もうしこむ ひとの なまえ"),
}

BIRTH_DATE: dict[str, Any] = {
    "id": "birth_date",
    "type": "date",
    "prefill": "birth_date",
    "label": t("生年月日", "Date of birth", "うまれた ひ"),
}

EMAIL: dict[str, Any] = {
    "id": "email",
    "type": "email",
    "prefill": "email",
    "label": t("メールアドレス", "Email address", "メールアドレス"),
    "help": t(
        "審査の結果や問い合わせをお送りします。",
        "We send the result and any questions here.",
        "けっかを ここに おくります。",
    ),
}

# Hiragana or katakana, with spaces and long-vowel marks: for a kana-only text answer (an
# account holder's name as the bank spells it).
KANA_PATTERN = r"[ぁ-ゖァ-ヺー・ 　]+"
KANA_MESSAGE = t(
    "ふりがなは、ひらがなかカタカナで入力してください。",
    "Enter the furigana in hiragana or katakana.",
    "ひらがな か カタカナで かいて ください。",
)


def person_name(subject_ja: str, subject_en: str, subject_easy: str) -> dict[str, Any]:
    """A person's name with furigana, asked for each item of a group."""
    return {
        "id": "name",
        "type": "name",
        "label": t(f"{subject_ja}の氏名", f"{subject_en}'s name", f"{subject_easy} なまえ"),
    }


# Minato City's 30 town names (町名), for choices answered by autocomplete.
MINATO_TOWNS: list[dict[str, Any]] = [
    opt(value, ja, en, easy)
    for value, ja, en, easy in [
        ("shiba", "芝", "Shiba", "しば"),
        ("shibakoen", "芝公園", "Shibakoen", "しばこうえん"),
        ("shibadaimon", "芝大門", "Shibadaimon", "しばだいもん"),
        ("hamamatsucho", "浜松町", "Hamamatsucho", "はままつちょう"),
        ("kaigan", "海岸", "Kaigan", "かいがん"),
        ("higashi_shimbashi", "東新橋", "Higashi-Shimbashi", "ひがししんばし"),
        ("shimbashi", "新橋", "Shimbashi", "しんばし"),
        ("nishi_shimbashi", "西新橋", "Nishi-Shimbashi", "にししんばし"),
        ("toranomon", "虎ノ門", "Toranomon", "とらのもん"),
        ("atago", "愛宕", "Atago", "あたご"),
        ("azabudai", "麻布台", "Azabudai", "あざぶだい"),
        ("roppongi", "六本木", "Roppongi", "ろっぽんぎ"),
        ("akasaka", "赤坂", "Akasaka", "あかさか"),
        ("moto_akasaka", "元赤坂", "Moto-Akasaka", "もとあかさか"),
        ("kita_aoyama", "北青山", "Kita-Aoyama", "きたあおやま"),
        ("minami_aoyama", "南青山", "Minami-Aoyama", "みなみあおやま"),
        ("nishi_azabu", "西麻布", "Nishi-Azabu", "にしあざぶ"),
        ("moto_azabu", "元麻布", "Moto-Azabu", "もとあざぶ"),
        ("minami_azabu", "南麻布", "Minami-Azabu", "みなみあざぶ"),
        ("higashi_azabu", "東麻布", "Higashi-Azabu", "ひがしあざぶ"),
        ("azabu_juban", "麻布十番", "Azabu-Juban", "あざぶじゅうばん"),
        ("azabu_nagasakacho", "麻布永坂町", "Azabu-Nagasakacho", "あざぶながさかちょう"),
        ("azabu_mamianacho", "麻布狸穴町", "Azabu-Mamianacho", "あざぶまみあなちょう"),
        ("mita", "三田", "Mita", "みた"),
        ("takanawa", "高輪", "Takanawa", "たかなわ"),
        ("shirokane", "白金", "Shirokane", "しろかね"),
        ("shirokanedai", "白金台", "Shirokanedai", "しろかねだい"),
        ("konan", "港南", "Konan", "こうなん"),
        ("daiba", "台場", "Daiba", "だいば"),
        ("shibaura", "芝浦", "Shibaura", "しばうら"),
    ]
]

RELATIONSHIPS: list[dict[str, Any]] = [
    opt("spouse", "配偶者", "Spouse or partner", "つま・おっと"),
    opt("child", "子", "Child", "こども"),
    opt("parent", "父母", "Parent", "おや"),
    opt("grandchild", "孫", "Grandchild", "まご"),
    opt("sibling", "兄弟姉妹", "Brother or sister", "きょうだい"),
    opt("other", "その他", "Other", "そのほか"),
]


# --- 粗大ごみ収集の申込 -----------------------------------------------------------------------

# Fee per item in yen: demo values in the range of the 23 wards' tariffs (400 yen upwards,
# by kind and size), for staff to replace with みなと粗大ごみ受付センター's current list.
SODAI_ITEMS: list[dict[str, Any]] = [
    opt("chair", "椅子", "Chair", "いす", 400),
    opt("bicycle", "自転車", "Bicycle", "じてんしゃ", 400),
    opt("futon", "布団（1枚）", "Futon (one)", "ふとん（1まい）", 400),
    opt("carpet", "カーペット・じゅうたん", "Carpet or rug", "カーペット", 400),
    opt("microwave", "電子レンジ", "Microwave oven", "でんしレンジ", 400),
    opt("heater", "電気ストーブ・ファンヒーター", "Electric or fan heater", "ストーブ", 400),
    opt("suitcase", "スーツケース", "Suitcase", "スーツケース", 400),
    opt("stroller", "ベビーカー", "Pushchair", "ベビーカー", 400),
    opt("table", "テーブル・机", "Table or desk", "テーブル・つくえ", 800),
    opt("bookshelf", "本棚", "Bookcase", "ほんだな", 800),
    opt(
        "sofa",
        "ソファ（2人掛け以上）",
        "Sofa (two seats or more)",
        "ソファ（2にん いじょう）",
        1200,
    ),
    opt("mattress", "マットレス", "Mattress", "マットレス", 1200),
    opt("wardrobe", "たんす・洋服だんす", "Wardrobe or chest of drawers", "たんす", 1200),
    opt("bed", "ベッド（枠）", "Bed (frame)", "ベッド（わく）", 2000),
]

SODAI_GOMI: dict[str, Any] = {
    "pages": [
        {
            "id": "appliances",
            "title": t(
                "家電リサイクル法の対象品の確認",
                "Appliances that go to recycling",
                "でんきせいひんの かくにん",
            ),
            "questions": [
                {
                    "id": "home_appliance",
                    "type": "yesno",
                    "label": t(
                        "エアコン・テレビ・冷蔵庫（冷凍庫）・洗濯機（衣類乾燥機）を出しますか",
                        "Are you throwing out an air conditioner, TV, fridge (freezer) or "
                        "washing machine (tumble dryer)?",
                        "エアコン・テレビ・れいぞうこ・せんたくきを すてますか",
                    ),
                    "help": t(
                        "これらは粗大ごみとして収集できません。",
                        "These cannot be collected as bulky waste.",
                        "これは そだいごみに できません。",
                    ),
                },
            ],
            "routes": [
                {"when": yes_is("home_appliance"), "goto": "exit_appliance_recycling"},
            ],
            "next": "items",
        },
        {
            "id": "items",
            "title": t(
                "出すものを選んでください", "What do you want collected?", "なにを だしますか"
            ),
            "questions": [
                {
                    "id": "items",
                    "type": "group",
                    "max_items": 10,
                    "label": t("品目", "Item", "もの"),
                    "help": t(
                        "品目ごとに手数料がかかります。確認画面で品目ごとの金額と合計を表示します。",
                        "Each item has its own fee. The check page shows the fee for each "
                        "item and the total.",
                        "ひとつずつ おかねが かかります。さいごに いくらか でます。",
                    ),
                    "questions": [
                        {
                            "id": "item",
                            "type": "choice",
                            "label": t("品目", "Item", "もの"),
                            "options": SODAI_ITEMS,
                        },
                        {
                            "id": "count",
                            "type": "number",
                            "quantity": True,
                            "min": 1,
                            "max": 10,
                            "label": t("個数", "How many", "いくつ"),
                        },
                    ],
                },
            ],
            "next": "collection",
        },
        {
            "id": "collection",
            "title": t(
                "収集の希望日と場所", "Collection day and place", "とりに くる ひにち と ばしょ"
            ),
            "questions": [
                {
                    "id": "preferred_date",
                    "type": "date",
                    # From three days ahead (time to book the round), up to two months.
                    "earliest_days": 3,
                    "latest_days": 60,
                    "label": t("収集の希望日", "Preferred collection day", "きて ほしい ひ"),
                    "help": t(
                        "収集は月曜日から土曜日です。受付センターから収集日をお知らせします。",
                        "Collections are Monday to Saturday; the booking centre confirms the day.",
                        "げつようびから どようび です。あとで ひを おしらせ します。",
                    ),
                },
                {
                    "id": "place",
                    "type": "choice",
                    "label": t("出す場所", "Where you will put it out", "どこに だしますか"),
                    "options": [
                        opt(
                            "door", "戸建ての玄関先", "Outside my front door (house)", "いえの まえ"
                        ),
                        opt(
                            "collection_point",
                            "集合住宅のごみ集積所",
                            "The block of flats' waste collection point",
                            "マンションの ごみおきば",
                        ),
                        opt(
                            "other",
                            "その他（備考に記入）",
                            "Elsewhere (say where below)",
                            "そのほか",
                        ),
                    ],
                },
                {
                    "id": "notes",
                    "type": "textarea",
                    "required": False,
                    "max_length": 300,
                    "label": t("備考", "Anything else we should know", "ほかに つたえたい こと"),
                },
            ],
            "next": "where",
        },
        {
            "id": "where",
            "title": t(
                "収集場所と連絡先",
                "Collection address and contact",
                "とりに いく ばしょと れんらくさき",
            ),
            "questions": [APPLICANT_NAME, *ADDRESS_QUESTIONS],
            "next": None,
        },
    ],
    "exits": [
        {
            "id": "exit_appliance_recycling",
            "title": t(
                "この品目は粗大ごみとして出せません",
                "This cannot go out as oversized waste",
                "これは そだいごみに できません",
            ),
            "body": t(
                "エアコン・テレビ・冷蔵庫・洗濯機は家電リサイクル法の対象です。購入した店か、"
                "家電リサイクル受付センターに申し込んでください。",
                "Air conditioners, TVs, fridges and washing machines fall under the Home "
                "Appliance Recycling Law: ask the shop you bought it from, or the appliance "
                "recycling centre.",
                "エアコン・テレビ・れいぞうこ・せんたくきは、かった おみせに そうだん して ください。",
            ),
        },
    ],
    "declaration": t(
        "入力した内容に誤りはありません。収集日の朝8時までに、処理券を貼って指定の場所に出します。",
        "The information is correct. I will put the items out, with stickers, "
        "by 8 a.m. on the collection day.",
        "ただしく かきました。あつめる ひの あさ 8じまでに だします。",
    ),
}


# --- 住民票の写し等の交付請求 ---------------------------------------------------------------

JUMINHYO: dict[str, Any] = {
    "pages": [
        {
            "id": "copies",
            "title": t("請求する写し", "Certificates you need", "ひつような しょうめいしょ"),
            "questions": [
                {
                    "id": "certificate",
                    "type": "choice",
                    "label": t("証明書の種類", "Certificate", "しょうめいしょの しゅるい"),
                    # 港区手数料条例: 300 yen a copy for either.
                    "options": [
                        opt(
                            "juminhyo",
                            "住民票の写し",
                            "Copy of the residence record (住民票の写し)",
                            "じゅうみんひょう",
                            300,
                        ),
                        opt(
                            "kisai_jiko",
                            "住民票記載事項証明書",
                            "Certificate of residence record entries (記載事項証明書)",
                            "じゅうみんひょうの ないようの しょうめいしょ",
                            300,
                        ),
                    ],
                },
                {
                    "id": "copies",
                    "type": "number",
                    "quantity": True,
                    "min": 1,
                    "max": 10,
                    "label": t("通数", "Number of copies", "なんまい"),
                    "help": t("1通300円です。", "300 yen a copy.", "1まい 300えん です。"),
                },
                {
                    "id": "household",
                    "type": "choice",
                    "label": t("記載する人", "Who should be shown", "だれの ぶん"),
                    "options": [
                        opt("self", "本人のみ", "Only me", "じぶん だけ"),
                        opt("all", "世帯全員", "Everyone in my household", "いえの ひと ぜんいん"),
                    ],
                },
            ],
            "next": "contents",
        },
        {
            "id": "contents",
            "title": t(
                "記載する内容と使いみち", "What to include and why", "のせる ことと つかいみち"
            ),
            "questions": [
                {
                    "id": "include",
                    "type": "multichoice",
                    "required": False,
                    "label": t(
                        "省略せずに記載する項目",
                        "Details to include (left out unless you ask)",
                        "のせて ほしい こと",
                    ),
                    "options": [
                        opt(
                            "relationship",
                            "世帯主の氏名と続柄",
                            "Head of household and relationship",
                            "せたいぬしの なまえと かんけい",
                        ),
                        opt(
                            "honseki",
                            "本籍・筆頭者",
                            "Permanent domicile (本籍) and head of the family register",
                            "ほんせき",
                        ),
                        opt(
                            "mynumber",
                            "個人番号（マイナンバー）",
                            "Individual number (My Number)",
                            "マイナンバー",
                        ),
                    ],
                },
                {
                    "id": "purpose",
                    "type": "text",
                    "max_length": 100,
                    "label": t("使いみち", "What it is for", "なにに つかいますか"),
                    "help": t(
                        "例：勤務先への提出",
                        "For example: for my employer",
                        "れい：かいしゃに だす",
                    ),
                },
            ],
            "next": "delivery",
        },
        {
            "id": "delivery",
            "title": t(
                "送付先（住民登録の住所）",
                "Where to send it (your registered address)",
                "おくる ところ（じゅうみんひょうの じゅうしょ）",
            ),
            "questions": [
                {
                    "id": "delivery",
                    "type": "choice",
                    "label": t("受け取り方法", "How you receive it", "うけとりかた"),
                    "help": t(
                        "オンライン請求の写しは、住民登録の住所に郵便で送ります（送料は区が負担）。",
                        "Certificates requested online are posted to your registered address; "
                        "the ward pays the postage.",
                        "じゅうみんひょうの じゅうしょに ゆうびんで おくります。",
                    ),
                    "options": [
                        opt("post", "郵送（普通郵便）", "By post (ordinary mail)", "ゆうびん"),
                        opt(
                            "post_express",
                            "郵送（速達・料金は区が負担）",
                            "By express post (the ward pays)",
                            "ゆうびん（はやい）",
                        ),
                    ],
                },
                *ADDRESS_QUESTIONS,
            ],
            "next": None,
        },
    ],
    "exits": [],
    "declaration": t(
        "請求内容に誤りはありません。写しは住民登録の住所に郵送されることに同意します。",
        "The request is correct. I agree that the certificates are posted to my "
        "registered address.",
        "ただしく かきました。じゅうしょに ゆうびんで おくって ください。",
    ),
}


# --- 高齢者・障害者向けスマートフォン等の貸出申込 ----------------------------------------------

SMARTPHONE: dict[str, Any] = {
    "pages": [
        {
            "id": "eligibility",
            "title": t("対象の確認", "Can you borrow one?", "かりられるか たしかめます"),
            "questions": [
                {
                    "id": "eligible",
                    "type": "yesno",
                    "label": t(
                        "港区にお住まいの65歳以上の方、または障害者手帳をお持ちの方（その支援者を"
                        "含む）で、スマートフォン等をお持ちでない方ですか",
                        "Do you live in Minato City, are you 65 or over or do you hold a "
                        "disability certificate (or support someone who does), and do you not "
                        "have a smartphone or tablet?",
                        "みなとくに すんで いて、65さい いじょう、または しょうがいしゃ てちょうを "
                        "もって いますか。スマホを もって いませんか",
                    ),
                },
            ],
            "routes": [
                {"when": {"question": "eligible", "equals": "no"}, "goto": "exit_not_eligible"}
            ],
            "next": "basis",
        },
        {
            "id": "basis",
            "title": t("申込の区分", "Which applies to you", "あなたは どれですか"),
            "questions": [
                {
                    "id": "basis",
                    "type": "choice",
                    "label": t("区分", "I am", "わたしは"),
                    "options": [
                        opt("age", "65歳以上", "Aged 65 or over", "65さい いじょう"),
                        opt(
                            "disability",
                            "障害者手帳を持っている",
                            "A holder of a disability certificate",
                            "しょうがいしゃ てちょうを もって いる",
                        ),
                        opt(
                            "supporter",
                            "障害者手帳を持つ方の支援者",
                            "Supporting someone with a disability certificate",
                            "てちょうを もつ ひとを てつだって いる",
                        ),
                    ],
                },
            ],
            "next": "device",
        },
        {
            "id": "device",
            "title": t("借りたい機器", "What would you like to borrow?", "かりたい もの"),
            "questions": [
                {
                    "id": "device",
                    "type": "choice",
                    "label": t("機器", "Device", "きかい"),
                    "options": [
                        opt("smartphone", "スマートフォン", "Smartphone", "スマートフォン"),
                        opt("tablet", "タブレット", "Tablet", "タブレット"),
                    ],
                },
                {
                    "id": "lesson",
                    "type": "yesno",
                    "required": False,
                    "label": t(
                        "使い方講座にも参加しますか",
                        "Would you also like a lesson?",
                        "つかいかたの きょうしつにも いきますか",
                    ),
                },
                {
                    "id": "certificate_copy",
                    "type": "file",
                    "show_if": {"question": "basis", "equals": "disability"},
                    "accept": ["pdf", "jpeg", "png"],
                    "max_size_mb": 5,
                    "label": t(
                        "障害者手帳の写し",
                        "Copy of your disability certificate",
                        "しょうがいしゃ てちょうの しゃしん",
                    ),
                    "help": t(
                        "写真かPDF（5MBまで）。",
                        "A photo or PDF (up to 5 MB).",
                        "しゃしん か PDF（5MB まで）。",
                    ),
                },
            ],
            "next": "contact",
        },
        {
            "id": "contact",
            "title": t("連絡先", "Contact details", "れんらくさき"),
            "questions": [APPLICANT_NAME, BIRTH_DATE, *ADDRESS_QUESTIONS],
            "next": None,
        },
    ],
    "exits": [
        {
            "id": "exit_not_eligible",
            "title": t(
                "この貸出の対象ではありません",
                "This lending scheme is not for you",
                "この かしだしは つかえません",
            ),
            "body": t(
                "区のスマートフォン相談会は、どなたでも参加できます。高齢者支援課にお問い合わせください。",
                "Anyone can join the ward's smartphone help sessions: contact the Elderly "
                "Support Division.",
                "スマートフォンの そうだんかいには だれでも いけます。こうれいしゃ しえんかに きいて ください。",
            ),
        },
    ],
    "declaration": t(
        "入力した内容に誤りはありません。借りた機器は期限までに返却します。",
        "The information is correct. I will return the device by the due date.",
        "ただしく かきました。かりた ものは きめられた ひまでに かえします。",
    ),
}


# --- 区民向け住宅に関する届出 -----------------------------------------------------------------

HOUSING_TENANCY_PAGE: dict[str, Any] = {
    "id": "tenancy",
    "title": t("お住まいの住宅", "Your ward flat", "すんで いる いえ"),
    "questions": [
        {
            "id": "housing_name",
            "type": "text",
            "max_length": 60,
            "label": t("住宅名", "Name of the housing", "じゅうたくの なまえ"),
            "help": t(
                "例：港区立〇〇住宅",
                "For example: 港区立〇〇住宅",
                "れい：みなとくりつ 〇〇 じゅうたく",
            ),
        },
        {
            "id": "room_number",
            "type": "text",
            "max_length": 6,
            "pattern": r"[0-9]{3,4}",
            "pattern_message": t(
                "部屋番号は3〜4桁の数字で入力してください（例：305）。",
                "Enter the flat number as 3 or 4 digits, such as 305.",
                "へやの ばんごうを すうじで かいて ください（れい：305）。",
            ),
            "label": t("部屋番号", "Flat number", "へやの ばんごう"),
        },
        {
            **APPLICANT_NAME,
            "label": t("使用者（名義人）の氏名", "Named tenant", "かりて いる ひとの なまえ"),
        },
    ],
    "next": "kind",
}

KUMIN_JUTAKU_TODOKEDE: dict[str, Any] = {
    "pages": [
        HOUSING_TENANCY_PAGE,
        {
            "id": "kind",
            "title": t("届出の種類", "What are you reporting?", "なにを とどけますか"),
            "questions": [
                {
                    "id": "kind",
                    "type": "choice",
                    "label": t("届出の種類", "Notification", "とどけの しゅるい"),
                    "options": [
                        opt(
                            "members",
                            "世帯員の異動（出生・死亡・転出・同居など）",
                            "A change in the household (birth, death, moving in or out)",
                            "かぞくが ふえた・へった",
                        ),
                        opt(
                            "absence",
                            "1か月以上の不在",
                            "An absence of a month or more",
                            "1かげつ いじょう いえに いない",
                        ),
                        opt(
                            "leaving",
                            "住宅の返還（退去）",
                            "Returning the flat (moving out)",
                            "いえを でる",
                        ),
                    ],
                },
            ],
            "routes": [
                {"when": {"question": "kind", "equals": "absence"}, "goto": "absence"},
                {"when": {"question": "kind", "equals": "leaving"}, "goto": "leaving"},
            ],
            "next": "members",
        },
        {
            "id": "members",
            "title": t("異動した世帯員", "Who joined or left the household", "ふえた・へった ひと"),
            "questions": [
                {
                    "id": "members",
                    "type": "group",
                    "max_items": 8,
                    "label": t("世帯員", "Household member", "かぞく"),
                    "questions": [
                        person_name("世帯員", "Member", "その ひとの"),
                        {
                            "id": "relationship",
                            "type": "choice",
                            "label": t("続柄", "Relationship to the tenant", "かんけい"),
                            "options": RELATIONSHIPS,
                        },
                        {
                            "id": "change",
                            "type": "choice",
                            "label": t("異動の内容", "What changed", "なにが ありましたか"),
                            "options": [
                                opt("birth", "出生", "Born", "うまれた"),
                                opt(
                                    "moved_in",
                                    "同居を始めた",
                                    "Moved in",
                                    "いっしょに すみはじめた",
                                ),
                                opt("moved_out", "転出した", "Moved out", "でていった"),
                                opt("death", "死亡", "Died", "なくなった"),
                            ],
                        },
                        {
                            "id": "change_date",
                            "type": "date",
                            "label": t("異動日", "Date of the change", "その ひ"),
                        },
                    ],
                },
                {
                    "id": "proof",
                    "type": "file",
                    "required": False,
                    "max_size_mb": 8,
                    "label": t(
                        "異動を確認できる書類（任意）",
                        "A document showing the change (optional)",
                        "かわった ことが わかる かみ（なくても よい）",
                    ),
                    "help": t(
                        "出生・死亡の場合は、戸籍の記載事項が分かるものなど。PDF・JPEG・PNG（8MBまで）。",
                        "For a birth or death, for example a document showing the family "
                        "register entry. PDF, JPEG or PNG (up to 8 MB).",
                        "PDF か しゃしん（8MB まで）。",
                    ),
                },
            ],
            "next": "contact",
        },
        {
            "id": "absence",
            "title": t("不在の期間", "When you will be away", "いえに いない きかん"),
            "questions": [
                {
                    "id": "absence_from",
                    "type": "date",
                    "label": t("不在の開始日", "First day away", "いない はじめの ひ"),
                },
                {
                    "id": "absence_until",
                    "type": "date",
                    "label": t("戻る予定日", "Expected return", "もどる ひ"),
                },
                {
                    "id": "absence_reason",
                    "type": "choice",
                    "label": t("理由", "Reason", "りゆう"),
                    "options": [
                        opt("hospital", "入院", "In hospital", "にゅういん"),
                        opt("work", "出張・単身赴任", "Work away from home", "しごと"),
                        opt("care", "親族の介護", "Caring for a relative", "かぞくの かいご"),
                        opt("other", "その他", "Other", "そのほか"),
                    ],
                },
                {
                    "id": "absence_contact",
                    "type": "phone",
                    "label": t("不在中の連絡先", "Phone number while away", "いない ときの でんわ"),
                },
            ],
            "next": "contact",
        },
        {
            "id": "leaving",
            "title": t("住宅の返還", "Returning the flat", "いえを でる"),
            "questions": [
                {
                    "id": "leave_date",
                    "type": "date",
                    "label": t("退去予定日", "Moving-out date", "でる ひ"),
                },
                {
                    "id": "key_return_date",
                    "type": "date",
                    "label": t(
                        "鍵の返却と立会いの希望日",
                        "Preferred day to hand back the keys (inspection)",
                        "かぎを かえす ひ",
                    ),
                    "help": t(
                        "住宅課の職員が室内を確認します。",
                        "Housing staff will inspect the flat with you.",
                        "くの ひとが へやを みに きます。",
                    ),
                },
                {
                    "id": "forwarding_postal_code",
                    "type": "postal_code",
                    "label": t(
                        "転居先の郵便番号", "New postal code", "あたらしい ゆうびん ばんごう"
                    ),
                },
                {
                    "id": "forwarding_address",
                    "type": "text",
                    "max_length": 200,
                    "label": t("転居先の住所", "New address", "あたらしい じゅうしょ"),
                    "help": t(
                        "敷金の精算などの書類を送ります。",
                        "We post the deposit settlement and other papers here.",
                        "おかねの かみを ここに おくります。",
                    ),
                },
            ],
            "next": "contact",
        },
        {
            "id": "contact",
            "title": t("連絡先", "Contact details", "れんらくさき"),
            "questions": [
                ADDRESS_QUESTIONS[2],
                EMAIL,
            ],
            "next": None,
        },
    ],
    "exits": [],
    "declaration": t(
        "届出の内容に誤りはありません。住宅課が内容の確認のため連絡することに同意します。",
        "The information is correct. I agree that the Housing Division may contact me to check it.",
        "ただしく かきました。じゅうたくかから れんらくが くる ことが あります。",
    ),
}


# --- 区民向け住宅の入居者募集への申込 -------------------------------------------------------

KUMIN_JUTAKU_NYUKYO: dict[str, Any] = {
    "pages": [
        {
            "id": "eligibility",
            "title": t("申込資格の確認", "Can you apply?", "もうしこめるか たしかめます"),
            "questions": [
                {
                    "id": "minato_link",
                    "type": "choice",
                    "label": t("港区との関係", "Your link with Minato", "みなとくとの かんけい"),
                    "options": [
                        opt(
                            "resident",
                            "申込者が港区に住んでいる",
                            "I live in Minato",
                            "わたしが みなとくに すんで いる",
                        ),
                        opt(
                            "parent",
                            "申込者または配偶者の親が港区に住んでいる",
                            "A parent of mine or of my spouse lives in Minato",
                            "おやが みなとくに すんで いる",
                        ),
                        opt("none", "どちらでもない", "Neither", "どちらでも ない"),
                    ],
                },
                {
                    "id": "tax_arrears",
                    "type": "yesno",
                    "label": t(
                        "住民税の滞納がありますか",
                        "Do you have unpaid residents' tax?",
                        "はらって いない じゅうみんぜいが ありますか",
                    ),
                },
            ],
            "routes": [
                {
                    "when": {"question": "minato_link", "equals": "none"},
                    "goto": "exit_not_eligible",
                },
                {"when": yes_is("tax_arrears"), "goto": "exit_not_eligible"},
            ],
            "next": "flat",
        },
        {
            "id": "flat",
            "title": t("希望する住宅", "The flat you want", "すみたい いえ"),
            "questions": [
                {
                    "id": "flat_type",
                    "type": "choice",
                    "label": t("募集区分", "Type of flat", "いえの しゅるい"),
                    "options": [
                        opt(
                            "family",
                            "ファミリー向け（2人以上）",
                            "Family (two or more people)",
                            "かぞく むけ（2にん いじょう）",
                        ),
                        opt("single", "単身者向け", "Single person", "ひとり むけ"),
                        opt("senior", "高齢者向け", "Older residents", "おとしより むけ"),
                    ],
                },
                {
                    "id": "district",
                    "type": "choice",
                    "label": t("希望する地区", "Preferred district", "すみたい ちく"),
                    "options": [
                        opt("shiba", "芝地区", "Shiba", "しば"),
                        opt("azabu", "麻布地区", "Azabu", "あざぶ"),
                        opt("akasaka", "赤坂地区", "Akasaka", "あかさか"),
                        opt("takanawa", "高輪地区", "Takanawa", "たかなわ"),
                        opt(
                            "shibaura_konan", "芝浦港南地区", "Shibaura-Konan", "しばうら・こうなん"
                        ),
                        opt("any", "どこでもよい", "Any", "どこでも よい"),
                    ],
                },
                {
                    "id": "current_housing",
                    "type": "choice",
                    "label": t("現在の住まい", "Where you live now", "いまの いえ"),
                    "options": [
                        opt(
                            "private_rent",
                            "民間の賃貸住宅",
                            "Private rented home",
                            "かりて いる いえ",
                        ),
                        opt("company", "社宅・寮", "Company housing", "かいしゃの いえ"),
                        opt("family_home", "親族の家に同居", "With relatives", "しんせきの いえ"),
                        opt("other", "その他", "Other", "そのほか"),
                    ],
                },
            ],
            # Single-person flats have no one else to list.
            "routes": [
                {"when": {"question": "flat_type", "equals": "single"}, "goto": "income"},
            ],
            "next": "household",
        },
        {
            "id": "household",
            "title": t("一緒に住む人", "Who will live with you", "いっしょに すむ ひと"),
            "questions": [
                {
                    "id": "members",
                    "type": "group",
                    "max_items": 8,
                    "label": t("同居する親族", "Household member", "いっしょに すむ ひと"),
                    "help": t(
                        "申込者本人は入力しません。",
                        "Do not include yourself.",
                        "じぶんは かきません。",
                    ),
                    "questions": [
                        person_name("同居する方", "Member", "その ひとの"),
                        {
                            "id": "relationship",
                            "type": "choice",
                            "label": t("続柄", "Relationship to you", "かんけい"),
                            "options": RELATIONSHIPS,
                        },
                        {
                            "id": "birth_date",
                            "type": "date",
                            "label": t("生年月日", "Date of birth", "うまれた ひ"),
                        },
                    ],
                },
            ],
            "next": "income",
        },
        {
            "id": "income",
            "title": t("世帯の所得", "Household income", "かぞくの しゅうにゅう"),
            "questions": [
                {
                    "id": "household_income_yen",
                    "type": "number",
                    "min": 0,
                    "max": 100_000_000,
                    "label": t(
                        "世帯全員の前年の所得の合計（円）",
                        "Last year's total income of the household (yen)",
                        "かぞく みんなの きょねんの しゅうにゅう（えん）",
                    ),
                    "help": t(
                        "課税（非課税）証明書の「合計所得金額」を足した額。例：5200000",
                        "The total of the 'total income' lines on each person's tax "
                        "certificate. For example 5200000",
                        "ぜいきんの しょうめいしょの きんがくを たします。",
                    ),
                },
                {
                    "id": "income_certificate",
                    "type": "file",
                    "max_size_mb": 8,
                    "accept": ["pdf", "jpeg", "png"],
                    "label": t(
                        "課税（非課税）証明書",
                        "Residents' tax certificates",
                        "ぜいきんの しょうめいしょ",
                    ),
                    "help": t(
                        "世帯全員分を1つのPDFにまとめてください（8MBまで）。",
                        "One PDF with everyone's certificates (up to 8 MB).",
                        "みんなの ぶんを 1つの PDF に して ください。",
                    ),
                },
            ],
            "next": "applicant",
        },
        {
            "id": "applicant",
            "title": t("申込者", "About you", "もうしこむ ひと"),
            "questions": [APPLICANT_NAME, BIRTH_DATE, *ADDRESS_QUESTIONS, EMAIL],
            "next": None,
        },
    ],
    "exits": [
        {
            "id": "exit_not_eligible",
            "title": t(
                "この募集には申し込めません",
                "You cannot apply in this round",
                "この ぼしゅうには もうしこめません",
            ),
            "body": t(
                "申込資格は募集ごとの「申込みのしおり」で確認できます。都営住宅や住宅の相談は"
                "住宅課にお問い合わせください。",
                "Each round's application guide sets out who may apply. For metropolitan "
                "housing and other housing advice, contact the Housing Division.",
                "くわしくは じゅうたくかに きいて ください。",
            ),
        },
    ],
    "declaration": t(
        "申込内容に誤りはありません。虚偽の申込は無効となり、区が所得・住民登録を確認することに"
        "同意します。",
        "The information is correct. I understand that a false application is void, and I "
        "agree that the ward checks income and residence records.",
        "ただしく かきました。くが しゅうにゅうと じゅうしょを しらべる ことに どうい します。",
    ),
}


# --- 中小企業DX促進支援事業 補助金の交付申請 ---------------------------------------------------

INDUSTRIES: list[dict[str, Any]] = [
    opt("construction", "建設業", "Construction", "たてものを つくる しごと"),
    opt("manufacturing", "製造業", "Manufacturing", "ものを つくる しごと"),
    opt("information", "情報通信業", "Information and communications", "ITの しごと"),
    opt("wholesale_retail", "卸売業・小売業", "Wholesale and retail", "ものを うる しごと"),
    opt("real_estate", "不動産業・物品賃貸業", "Real estate and rental", "ふどうさん"),
    opt(
        "professional",
        "学術研究・専門・技術サービス業",
        "Professional and technical services",
        "せんもんの サービス",
    ),
    opt(
        "food_service",
        "宿泊業・飲食サービス業",
        "Hotels, restaurants and cafés",
        "ホテル・いんしょくてん",
    ),
    opt(
        "personal_service",
        "生活関連サービス業・娯楽業",
        "Personal services and leisure",
        "くらしの サービス",
    ),
    opt("medical_welfare", "医療・福祉", "Health and welfare", "いりょう・ふくし"),
    opt("other", "その他", "Other", "そのほか"),
]

DX_HOJOKIN: dict[str, Any] = {
    "pages": [
        {
            "id": "eligibility",
            "title": t(
                "補助の対象の確認", "Can your business apply?", "もうしこめるか たしかめます"
            ),
            "questions": [
                {
                    "id": "business_type",
                    "type": "choice",
                    "label": t("事業者の種類", "Your business is", "かいしゃの しゅるい"),
                    "options": [
                        opt("corporation", "法人", "A company (法人)", "かいしゃ（ほうじん）"),
                        opt("sole", "個人事業主", "A sole proprietor", "こじん で しごと"),
                    ],
                },
                {
                    "id": "sme",
                    "type": "yesno",
                    "label": t(
                        "中小企業基本法の中小企業者で、区内に事業所があり、1年以上事業を営んでいますか",
                        "Is the business an SME under the SME Basic Act, with a place of "
                        "business in Minato, trading for at least a year?",
                        "ちいさい かいしゃで、みなとくで 1ねん いじょう しごとを して いますか",
                    ),
                },
                {
                    "id": "taxes_paid",
                    "type": "yesno",
                    "label": t(
                        "法人事業税・法人都民税（個人は住民税）を滞納していませんか",
                        "Are all business and residents' taxes paid?",
                        "ぜいきんを ぜんぶ はらって いますか",
                    ),
                },
            ],
            "routes": [
                {"when": {"question": "sme", "equals": "no"}, "goto": "exit_not_eligible"},
                {"when": {"question": "taxes_paid", "equals": "no"}, "goto": "exit_not_eligible"},
            ],
            "next": "business",
        },
        {
            "id": "business",
            "title": t("事業者の情報", "About the business", "かいしゃの こと"),
            "questions": [
                {
                    "id": "business_name",
                    "type": "text",
                    "max_length": 100,
                    "label": t("事業者名（屋号）", "Business name", "かいしゃの なまえ"),
                },
                {
                    "id": "corporate_number",
                    "type": "text",
                    "max_length": 13,
                    "show_if": {"question": "business_type", "equals": "corporation"},
                    "pattern": r"[0-9]{13}",
                    "pattern_message": t(
                        "法人番号は13桁の数字で入力してください。",
                        "Enter the corporate number as 13 digits.",
                        "ほうじん ばんごうは 13けたの すうじ です。",
                    ),
                    "label": t("法人番号", "Corporate number", "ほうじん ばんごう"),
                    "help": t(
                        "国税庁の法人番号公表サイトで確認できます。",
                        "Find it on the National Tax Agency's corporate number site.",
                        "こくぜいちょうの サイトで わかります。",
                    ),
                },
                {
                    **APPLICANT_NAME,
                    "id": "representative_name",
                    "label": t("代表者の氏名", "Representative's name", "だいひょうしゃの なまえ"),
                },
                {
                    "id": "industry",
                    "type": "choice",
                    "label": t("業種", "Industry", "しごとの しゅるい"),
                    "options": INDUSTRIES,
                },
                {
                    "id": "town",
                    "type": "choice",
                    "label": t(
                        "事業所の所在地（町名）",
                        "Town of the place of business",
                        "ばしょ（まちの なまえ）",
                    ),
                    "help": t(
                        "入力すると候補が表示されます。例：芝浦",
                        "Start typing to see suggestions. For example Shibaura",
                        "かくと こうほが でます。れい：しばうら",
                    ),
                    "options": MINATO_TOWNS,
                },
                {
                    "id": "street_address",
                    "type": "text",
                    "max_length": 100,
                    "label": t(
                        "丁目・番地・建物名",
                        "Block, number and building",
                        "ちょうめ・ばんち・たてもの",
                    ),
                    "help": t(
                        "例：3-1-1 〇〇ビル5階", "For example 3-1-1, 5th floor", "れい：3-1-1"
                    ),
                },
                {
                    "id": "employees",
                    "type": "number",
                    "min": 0,
                    "max": 300,
                    "label": t(
                        "従業員数（常時使用）", "Number of employees", "はたらく ひとの かず"
                    ),
                },
                ADDRESS_QUESTIONS[2],
                EMAIL,
            ],
            "next": "project",
        },
        {
            "id": "project",
            "title": t("導入するもの", "What you will introduce", "いれる もの"),
            "questions": [
                {
                    "id": "project_title",
                    "type": "text",
                    "max_length": 100,
                    "label": t("事業名", "Project title", "けいかくの なまえ"),
                    "help": t(
                        "例：クラウド会計と電子請求書の導入",
                        "For example: cloud accounting and e-invoicing",
                        "れい：クラウドの かいけいソフトを いれる",
                    ),
                },
                {
                    "id": "tools",
                    "type": "multichoice",
                    "label": t(
                        "導入するソフトウェア・サービス", "Software and services", "いれる ソフト"
                    ),
                    "options": [
                        opt("accounting", "会計・請求書", "Accounting and invoicing", "かいけい"),
                        opt(
                            "attendance",
                            "勤怠・労務管理",
                            "Attendance and payroll",
                            "しゅっきんの かんり",
                        ),
                        opt("sales", "販売・在庫管理", "Sales and stock", "うりあげ・ざいこ"),
                        opt(
                            "ecommerce",
                            "ECサイト・予約システム",
                            "Online shop or booking",
                            "ネットの おみせ・よやく",
                        ),
                        opt(
                            "groupware",
                            "グループウェア・テレワーク",
                            "Groupware and remote work",
                            "テレワーク",
                        ),
                        opt(
                            "security",
                            "情報セキュリティ対策",
                            "Information security",
                            "セキュリティ",
                        ),
                    ],
                },
                {
                    "id": "description",
                    "type": "textarea",
                    "max_length": 2000,
                    "label": t(
                        "導入の目的と期待する効果",
                        "Why, and what it will improve",
                        "なんの ために いれるか",
                    ),
                },
                {
                    "id": "start_date",
                    "type": "date",
                    "label": t(
                        "導入開始（契約）予定日", "Planned start (contract) date", "はじめる ひ"
                    ),
                    "help": t(
                        "交付決定の前に契約・支払をした経費は対象外です。",
                        "Costs contracted or paid before the grant decision are not covered.",
                        "きまる まえに はらった おかねは でません。",
                    ),
                },
                {
                    "id": "total_cost_yen",
                    "type": "number",
                    "min": 1,
                    "max": 100_000_000,
                    "label": t(
                        "補助対象経費（税抜、円）",
                        "Eligible cost, before tax (yen)",
                        "かかる おかね（えん）",
                    ),
                },
                {
                    "id": "requested_yen",
                    "type": "number",
                    "min": 1,
                    "max": 400_000,
                    "label": t(
                        "補助金申請額（円）", "Grant requested (yen)", "ほしい おかね（えん）"
                    ),
                    # FY2025 terms: three quarters of the eligible cost, at most 400,000 yen.
                    "help": t(
                        "対象経費の4分の3以内、上限40万円（千円未満切り捨て）。",
                        "Up to three quarters of the eligible cost and at most 400,000 yen "
                        "(round down to the thousand).",
                        "かかる おかねの 4ぶんの3 まで、40まんえん まで。",
                    ),
                },
                {
                    "id": "other_subsidy",
                    "type": "yesno",
                    "label": t(
                        "この経費について、国や東京都などの他の補助金を申請または受給していますか",
                        "Have you applied for, or received, another subsidy (national, Tokyo or "
                        "other) for these costs?",
                        "おなじ ことで ほかの ほじょきんを もらって いますか",
                    ),
                },
            ],
            "next": "attachments",
        },
        {
            "id": "attachments",
            "title": t("添付書類", "Documents", "だす かみ"),
            "questions": [
                {
                    "id": "other_subsidy_detail",
                    "type": "textarea",
                    "max_length": 500,
                    "show_if": yes_is("other_subsidy"),
                    "label": t(
                        "他の補助金の名称と対象経費",
                        "Which subsidy, and for which costs",
                        "ほかの ほじょきんの なまえ",
                    ),
                    "help": t(
                        "同じ経費に重ねて補助することはできません。対象経費を分けて記入してください。",
                        "The same cost cannot be subsidised twice: say which costs each covers.",
                        "おなじ おかねに 2かい でません。",
                    ),
                },
                {
                    "id": "quotation",
                    "type": "file",
                    "max_size_mb": 8,
                    "label": t("見積書の写し", "Copy of the quotation", "みつもりしょ"),
                    "help": t(
                        "PDF・JPEG・PNG（8MBまで）。",
                        "PDF, JPEG or PNG (up to 8 MB).",
                        "PDF か しゃしん（8MB まで）。",
                    ),
                },
                {
                    "id": "business_plan",
                    "type": "file",
                    "accept": ["pdf"],
                    "max_size_mb": 8,
                    "label": t("事業計画書", "Business plan", "けいかくしょ"),
                    "help": t(
                        "区の様式をPDFで（8MBまで）。",
                        "The ward's template, as a PDF (up to 8 MB).",
                        "PDF（8MB まで）。",
                    ),
                },
                {
                    "id": "registration",
                    "type": "file",
                    "max_size_mb": 8,
                    "label": t(
                        "履歴事項全部証明書（個人事業主は開業届の写し）",
                        "Certificate of registered matters (sole proprietors: notice of opening)",
                        "かいしゃの しょうめいしょ（こじんは かいぎょうとどけ）",
                    ),
                    "help": t(
                        "発行から3か月以内のもの。",
                        "Issued within the last 3 months.",
                        "3かげつ いないの もの。",
                    ),
                },
                {
                    "id": "tax_certificate",
                    "type": "file",
                    "max_size_mb": 8,
                    "label": t(
                        "直近の納税証明書",
                        "Latest tax payment certificate",
                        "ぜいきんの しょうめいしょ",
                    ),
                },
            ],
            "next": "declarations",
        },
        {
            "id": "declarations",
            "title": t("誓約", "Declarations", "やくそく"),
            "questions": [
                {
                    "id": "no_double_subsidy",
                    "type": "declaration",
                    "label": t(
                        "同一の経費について、他の補助金と重複して交付を受けません。",
                        "I will not receive another subsidy for the same costs.",
                        "おなじ おかねで ほかの ほじょきんを もらいません。",
                    ),
                },
                {
                    "id": "no_antisocial",
                    "type": "declaration",
                    "label": t(
                        "暴力団等の反社会的勢力に該当せず、関係も有しません。",
                        "The business is not, and has no links with, an organised crime group.",
                        "ぼうりょくだん とは かんけい ありません。",
                    ),
                },
            ],
            "next": None,
        },
    ],
    "exits": [
        {
            "id": "exit_not_eligible",
            "title": t(
                "この補助金の対象ではありません",
                "Your business cannot apply for this grant",
                "この ほじょきんは もらえません",
            ),
            "body": t(
                "産業振興課の「DX巡回相談」で、ほかの支援策を案内しています。お気軽にご相談ください。",
                "The Industry Promotion Division's DX advisory visits can suggest other "
                "support: contact them.",
                "さんぎょう しんこうかに そうだん して ください。",
            ),
        },
    ],
    "declaration": t(
        "申請内容と添付書類に誤りはありません。港区補助金等交付規則と交付要綱を守ります。",
        "The application and documents are correct. I will follow Minato City's subsidy "
        "rules and the scheme's terms.",
        "ただしく かきました。くの きまりを まもります。",
    ),
}


# --- 転出届 --------------------------------------------------------------------------------

TENSHUTSU: dict[str, Any] = {
    "pages": [
        {
            "id": "destination",
            "title": t("引っ越し先", "Where are you moving?", "どこに ひっこしますか"),
            "questions": [
                {
                    "id": "destination",
                    "type": "choice",
                    "label": t("引っ越し先", "Moving to", "ひっこす ところ"),
                    "options": [
                        opt(
                            "other_city",
                            "港区以外の市区町村",
                            "Another city, ward, town or village in Japan",
                            "みなとく いがいの まち",
                        ),
                        opt("abroad", "国外", "Abroad", "がいこく"),
                        opt(
                            "within_minato", "港区内", "Somewhere else in Minato", "みなとくの なか"
                        ),
                    ],
                },
            ],
            "routes": [
                {
                    "when": {"question": "destination", "equals": "within_minato"},
                    "goto": "exit_tenkyo",
                },
            ],
            "next": "move",
        },
        {
            "id": "move",
            "title": t("新しい住所", "Your new address", "あたらしい じゅうしょ"),
            "questions": [
                {
                    "id": "move_date",
                    "type": "date",
                    "label": t("引っ越し（予定）日", "Moving date", "ひっこす ひ"),
                },
                {
                    "id": "new_postal_code",
                    "type": "postal_code",
                    "show_if": {"question": "destination", "equals": "other_city"},
                    "label": t(
                        "新しい住所の郵便番号", "New postal code", "あたらしい ゆうびん ばんごう"
                    ),
                },
                {
                    "id": "new_address",
                    "type": "text",
                    "max_length": 200,
                    "label": t("新しい住所", "New address", "あたらしい じゅうしょ"),
                    "help": t(
                        "国外の場合は国名と都市名。",
                        "Abroad: the country and city.",
                        "がいこくの ときは くにと まちの なまえ。",
                    ),
                },
            ],
            "next": "movers",
        },
        {
            "id": "movers",
            "title": t("引っ越す人", "Who is moving", "ひっこす ひと"),
            "questions": [
                {
                    "id": "movers",
                    "type": "group",
                    "max_items": 10,
                    "label": t("引っ越す人", "Person moving", "ひっこす ひと"),
                    "help": t(
                        "届け出る方も含めて、一緒に引っ越す全員を入力してください。",
                        "Everyone who moves, including you.",
                        "じぶんも いれて、ひっこす ひと ぜんいんを かいて ください。",
                    ),
                    "questions": [
                        person_name("引っ越す方", "Person", "その ひとの"),
                        {
                            "id": "birth_date",
                            "type": "date",
                            "label": t("生年月日", "Date of birth", "うまれた ひ"),
                        },
                    ],
                },
            ],
            "next": "applicant",
        },
        {
            "id": "applicant",
            "title": t("届出人と連絡先", "You and your contact details", "とどける ひと"),
            "questions": [APPLICANT_NAME, ADDRESS_QUESTIONS[2], EMAIL],
            "next": None,
        },
    ],
    "exits": [
        {
            "id": "exit_tenkyo",
            "title": t(
                "港区内での引っ越しは転居届です",
                "Moving within Minato needs a change-of-address notice",
                "みなとくの なかの ひっこしは てんきょとどけ です",
            ),
            "body": t(
                "港区内で住所が変わったときは、引っ越してから14日以内に、区役所または各総合支所の"
                "区民課窓口で転居届を出してください（住民基本台帳法第23条）。",
                "When you move within Minato, make a change-of-address notice (転居届) at the "
                "ward office or a district office within 14 days of moving (Basic Resident "
                "Registration Act, Article 23).",
                "ひっこして から 14にち いないに まどぐちに きて ください。",
            ),
        },
    ],
    "declaration": t(
        "届出の内容に誤りはありません。転入先で14日以内に転入届を出します。",
        "The information is correct. I will notify my new municipality within 14 days of "
        "moving in.",
        "ただしく かきました。あたらしい まちで 14にち いないに とどけを だします。",
    ),
}


# --- 児童手当の認定請求 ------------------------------------------------------------------------

JIDO_TEATE: dict[str, Any] = {
    "pages": [
        {
            "id": "claimant",
            "title": t("請求者", "About you", "もうしこむ ひと"),
            "questions": [
                {
                    "id": "public_servant",
                    "type": "yesno",
                    "label": t("公務員ですか", "Are you a public servant?", "こうむいん ですか"),
                    "help": t(
                        "公務員の方は勤務先に請求します（独立行政法人等を除く）。",
                        "Public servants claim through their employer.",
                        "こうむいんの ひとは しごとの ところに だします。",
                    ),
                },
                APPLICANT_NAME,
                BIRTH_DATE,
            ],
            "routes": [{"when": yes_is("public_servant"), "goto": "exit_public_servant"}],
            "next": "children",
        },
        {
            "id": "children",
            "title": t(
                "養育している子ども", "The children you are raising", "そだてて いる こども"
            ),
            "questions": [
                {
                    "id": "children",
                    "type": "group",
                    "max_items": 10,
                    "label": t("子ども", "Child", "こども"),
                    "questions": [
                        person_name("子ども", "Child", "こどもの"),
                        {
                            "id": "birth_date",
                            "type": "date",
                            "label": t("生年月日", "Date of birth", "うまれた ひ"),
                        },
                        {
                            "id": "lives_with_you",
                            "type": "yesno",
                            "label": t(
                                "同居していますか",
                                "Does the child live with you?",
                                "いっしょに すんで いますか",
                            ),
                        },
                    ],
                },
            ],
            "next": "bank",
        },
        {
            "id": "bank",
            "title": t("振込先の口座", "Bank account for payments", "おかねを うけとる こうざ"),
            "questions": [
                {
                    "id": "bank_name",
                    "type": "text",
                    "max_length": 50,
                    "label": t("金融機関名", "Bank", "ぎんこうの なまえ"),
                },
                {
                    "id": "branch_name",
                    "type": "text",
                    "max_length": 50,
                    "label": t("支店名", "Branch", "してんの なまえ"),
                },
                {
                    "id": "account_type",
                    "type": "choice",
                    "label": t("口座の種類", "Account type", "こうざの しゅるい"),
                    "options": [
                        opt("ordinary", "普通", "Ordinary (普通)", "ふつう"),
                        opt("current", "当座", "Current (当座)", "とうざ"),
                    ],
                },
                {
                    "id": "account_number",
                    "type": "text",
                    "max_length": 7,
                    "pattern": r"[0-9]{7}",
                    "pattern_message": t(
                        "口座番号は7桁の数字で入力してください（7桁未満の場合は前に0を付けます）。",
                        "Enter the account number as 7 digits (add zeros in front if shorter).",
                        "7けたの すうじで かいて ください。",
                    ),
                    "label": t("口座番号", "Account number", "こうざ ばんごう"),
                },
                {
                    "id": "account_holder_kana",
                    "type": "text",
                    "max_length": 60,
                    "pattern": KANA_PATTERN,
                    "pattern_message": KANA_MESSAGE,
                    "label": t(
                        "口座名義（カナ）", "Account holder (in kana)", "こうざの なまえ（カナ）"
                    ),
                    "help": t(
                        "請求者本人の名義の口座に限ります。",
                        "The account must be in your own name.",
                        "じぶんの なまえの こうざ だけ です。",
                    ),
                },
            ],
            "next": "contact",
        },
        {
            "id": "contact",
            "title": t("連絡先", "Contact details", "れんらくさき"),
            "questions": [*ADDRESS_QUESTIONS, EMAIL],
            "next": None,
        },
    ],
    "exits": [
        {
            "id": "exit_public_servant",
            "title": t(
                "勤務先に請求してください",
                "Claim through your employer",
                "しごとの ところに だして ください",
            ),
            "body": t(
                "公務員の方の児童手当は、勤務先（所属庁）から支給されます（児童手当法第17条）。",
                "Public servants receive child allowance from their employer (Child Allowance "
                "Act, Article 17).",
                "こうむいんの ひとは しごとの ところから もらいます。",
            ),
        },
    ],
    "declaration": t(
        "請求内容に誤りはありません。区が住民登録と所得の情報を確認することに同意します。",
        "The claim is correct. I agree that the ward checks residence and income records.",
        "ただしく かきました。くが しらべる ことに どうい します。",
    ),
}


# --- 保育園等の入園申込 ------------------------------------------------------------------------

HOIKUEN: dict[str, Any] = {
    "pages": [
        {
            "id": "child",
            "title": t("入園を希望する子ども", "Your child", "ほいくえんに はいる こども"),
            "questions": [
                {
                    "id": "child_name",
                    "type": "name",
                    "label": t("子どもの氏名", "Child's name", "こどもの なまえ"),
                },
                {
                    "id": "child_birth_date",
                    "type": "date",
                    "label": t("子どもの生年月日", "Child's date of birth", "こどもの うまれた ひ"),
                },
                {
                    "id": "start_month",
                    "type": "date",
                    "label": t(
                        "入園希望日（毎月1日）",
                        "Preferred start (1st of a month)",
                        "はいりたい ひ（1にち）",
                    ),
                },
            ],
            "next": "reason",
        },
        {
            "id": "reason",
            "title": t(
                "保育が必要な理由", "Why your child needs childcare", "ほいくが ひつような りゆう"
            ),
            "questions": [
                {
                    "id": "reason",
                    "type": "choice",
                    "label": t("申込者（保護者）の状況", "Your situation", "あなたの ようす"),
                    "options": [
                        opt("work", "就労", "Working", "しごと"),
                        opt(
                            "pregnancy",
                            "妊娠・出産",
                            "Pregnancy or childbirth",
                            "にんしん・しゅっさん",
                        ),
                        opt(
                            "illness", "疾病・障害", "Illness or disability", "びょうき・しょうがい"
                        ),
                        opt("care", "親族の介護・看護", "Caring for a relative", "かぞくの かいご"),
                        opt("study", "就学", "Studying", "がっこう"),
                        opt(
                            "job_seeking", "求職活動", "Looking for work", "しごとを さがして いる"
                        ),
                    ],
                },
            ],
            "next": "details",
        },
        {
            "id": "details",
            "title": t("詳しい状況と希望", "Details and preferences", "くわしい ことと きぼう"),
            "questions": [
                {
                    "id": "work_hours",
                    "type": "number",
                    "show_if": {"question": "reason", "equals": "work"},
                    "min": 1,
                    "max": 168,
                    "label": t(
                        "1週間の就労時間", "Working hours a week", "1しゅうかんに はたらく じかん"
                    ),
                },
                {
                    "id": "employment_certificate",
                    "type": "file",
                    "show_if": {"question": "reason", "equals": "work"},
                    "max_size_mb": 5,
                    "label": t("就労証明書", "Employment certificate", "しごとの しょうめいしょ"),
                    "help": t(
                        "勤務先が作成したもの。PDF・JPEG・PNG（5MBまで）。",
                        "Filled in by your employer. PDF, JPEG or PNG (up to 5 MB).",
                        "かいしゃが かいた もの。PDF か しゃしん。",
                    ),
                },
                {
                    "id": "due_date",
                    "type": "date",
                    "show_if": {"question": "reason", "equals": "pregnancy"},
                    "label": t("出産予定日", "Due date", "うまれる よていの ひ"),
                },
                {
                    "id": "district",
                    "type": "choice",
                    "label": t("希望する地区", "Preferred area", "きぼうの ちく"),
                    "options": [
                        opt("shiba", "芝地区", "Shiba", "しば"),
                        opt("azabu", "麻布地区", "Azabu", "あざぶ"),
                        opt("akasaka", "赤坂地区", "Akasaka", "あかさか"),
                        opt("takanawa", "高輪地区", "Takanawa", "たかなわ"),
                        opt(
                            "shibaura_konan", "芝浦港南地区", "Shibaura-Konan", "しばうら・こうなん"
                        ),
                    ],
                },
                {
                    "id": "preferred_nurseries",
                    "type": "textarea",
                    "max_length": 500,
                    "label": t(
                        "希望する園（第1希望から順に）",
                        "Nurseries you would like, in order of preference",
                        "はいりたい ほいくえん（すきな じゅん）",
                    ),
                },
                {
                    "id": "siblings_enrolled",
                    "type": "yesno",
                    "label": t(
                        "きょうだいが区内の保育園等に通っていますか",
                        "Does a brother or sister already attend a nursery in Minato?",
                        "きょうだいが ほいくえんに いって いますか",
                    ),
                },
            ],
            "next": "parent",
        },
        {
            "id": "parent",
            "title": t("保護者", "About you", "おや"),
            "questions": [APPLICANT_NAME, *ADDRESS_QUESTIONS, EMAIL],
            "next": None,
        },
    ],
    "exits": [],
    "declaration": t(
        "申込内容に誤りはありません。利用調整のため、区が世帯の住民登録・税情報を確認することに"
        "同意します。",
        "The information is correct. I agree that the ward checks the household's residence "
        "and tax records to allocate places.",
        "ただしく かきました。くが しらべる ことに どうい します。",
    ),
}


# --- 介護保険の要介護・要支援認定申請 ------------------------------------------------------

YOKAIGO: dict[str, Any] = {
    "pages": [
        {
            "id": "who",
            "title": t("申請する人", "Who is applying", "もうしこむ ひと"),
            "questions": [
                {
                    "id": "applicant_role",
                    "type": "choice",
                    "label": t("申請者", "You are", "あなたは"),
                    "options": [
                        opt("self", "本人", "The person needing care", "ほんにん"),
                        opt("family", "家族", "A family member", "かぞく"),
                        opt(
                            "support_centre",
                            "高齢者相談センター・ケアマネジャー",
                            "A community support centre or care manager",
                            "そうだん センター・ケアマネジャー",
                        ),
                    ],
                },
            ],
            "next": "insured",
        },
        {
            "id": "insured",
            "title": t("介護が必要な方", "The person who needs care", "かいごが ひつような ひと"),
            "questions": [
                {
                    "id": "insured_name",
                    "type": "name",
                    "label": t("氏名", "Name", "なまえ"),
                },
                {
                    "id": "insured_birth_date",
                    "type": "date",
                    "label": t("生年月日", "Date of birth", "うまれた ひ"),
                },
                {
                    "id": "insured_number",
                    "type": "text",
                    "max_length": 10,
                    "pattern": r"[0-9]{10}",
                    "pattern_message": t(
                        "被保険者番号は10桁の数字で入力してください。",
                        "Enter the insured person's number as 10 digits.",
                        "10けたの すうじで かいて ください。",
                    ),
                    "label": t(
                        "介護保険被保険者番号", "Care insurance number", "かいごほけんの ばんごう"
                    ),
                    "help": t(
                        "介護保険被保険者証に書いてあります。",
                        "It is on the long-term care insurance certificate.",
                        "ほけんしょうに かいて あります。",
                    ),
                },
                {
                    "id": "age_group",
                    "type": "choice",
                    "label": t("年齢", "Age", "ねんれい"),
                    "options": [
                        opt("65_plus", "65歳以上", "65 or over", "65さい いじょう"),
                        opt("40_64", "40〜64歳", "40 to 64", "40〜64さい"),
                    ],
                },
                {
                    "id": "kind",
                    "type": "choice",
                    "label": t("申請の区分", "Application", "もうしこみの しゅるい"),
                    "options": [
                        opt("new", "新規", "First application", "はじめて"),
                        opt("renewal", "更新", "Renewal", "こうしん"),
                        opt("change", "区分変更", "Change of level", "かわった とき"),
                    ],
                },
            ],
            "next": "situation",
        },
        {
            "id": "situation",
            "title": t("いまの状況", "Current situation", "いまの ようす"),
            "questions": [
                {
                    "id": "specified_disease",
                    "type": "text",
                    "max_length": 100,
                    "show_if": {"question": "age_group", "equals": "40_64"},
                    "label": t("特定疾病の名称", "Specified disease", "びょうきの なまえ"),
                    "help": t(
                        "40〜64歳の方は、介護保険法施行令で定める16の特定疾病が原因の場合に限ります。",
                        "Aged 40–64: only when one of the 16 specified diseases causes the "
                        "need for care.",
                        "40〜64さいの ひとは きまった びょうきの とき だけ です。",
                    ),
                },
                {
                    "id": "place",
                    "type": "choice",
                    "label": t("現在いる場所", "Where they are now", "いま いる ところ"),
                    "help": t(
                        "認定調査員が訪問する場所です。",
                        "The assessor visits them there.",
                        "しらべる ひとが ここに いきます。",
                    ),
                    "options": [
                        opt("home", "自宅", "At home", "いえ"),
                        opt("hospital", "入院中", "In hospital", "びょういん"),
                        opt("facility", "施設に入所中", "In a care facility", "しせつ"),
                    ],
                },
                {
                    "id": "place_detail",
                    "type": "text",
                    "required": False,
                    "max_length": 200,
                    "label": t(
                        "病院・施設の名称と所在地（自宅の場合は空欄）",
                        "Hospital or facility name and address (leave empty if at home)",
                        "びょういん・しせつの なまえ",
                    ),
                },
            ],
            "next": "doctor",
        },
        {
            "id": "doctor",
            "title": t("主治医", "Their doctor", "いつもの おいしゃさん"),
            "questions": [
                {
                    "id": "doctor_name",
                    "type": "text",
                    "max_length": 50,
                    "label": t("主治医の氏名", "Doctor's name", "おいしゃさんの なまえ"),
                },
                {
                    "id": "clinic_name",
                    "type": "text",
                    "max_length": 100,
                    "label": t("医療機関名", "Clinic or hospital", "びょういんの なまえ"),
                },
                {
                    "id": "clinic_phone",
                    "type": "phone",
                    "label": t(
                        "医療機関の電話番号", "Clinic's phone number", "びょういんの でんわ"
                    ),
                    "help": t(
                        "区から主治医意見書の作成を依頼します。",
                        "The ward asks the doctor for a written opinion.",
                        "くが おいしゃさんに かみを たのみます。",
                    ),
                },
            ],
            "next": "contact",
        },
        {
            "id": "contact",
            "title": t("連絡先", "Contact details", "れんらくさき"),
            "questions": [
                APPLICANT_NAME,
                {
                    "id": "relationship",
                    "type": "text",
                    "required": False,
                    "max_length": 50,
                    "label": t(
                        "本人との関係（本人が申請する場合は空欄）",
                        "Relationship to them (leave empty if you are them)",
                        "ほんにんとの かんけい",
                    ),
                },
                *ADDRESS_QUESTIONS,
            ],
            "next": None,
        },
    ],
    "exits": [],
    "declaration": t(
        "申請内容に誤りはありません。認定調査の結果と主治医意見書を、介護認定審査会と"
        "ケアマネジャー等に提供することに同意します。",
        "The information is correct. I agree that the assessment and the doctor's opinion "
        "are shared with the review board and care managers.",
        "ただしく かきました。しらべた ことを かいごの ひとに つたえて よいです。",
    ),
}


# --- 犬の登録 ----------------------------------------------------------------------------------

INU_TOROKU: dict[str, Any] = {
    "pages": [
        {
            "id": "age",
            "title": t("登録の対象", "Does your dog need registering?", "とうろくが いるか"),
            "questions": [
                {
                    "id": "over_91_days",
                    "type": "yesno",
                    "label": t(
                        "犬は生後91日以上ですか",
                        "Is the dog 91 days old or older?",
                        "いぬは うまれて 91にち いじょう ですか",
                    ),
                },
                {
                    "id": "registered_elsewhere",
                    "type": "yesno",
                    "label": t(
                        "ほかの市区町村で登録済みの犬ですか（転入）",
                        "Was the dog already registered in another municipality (moving in)?",
                        "ほかの まちで とうろく して いますか",
                    ),
                },
            ],
            "routes": [
                {"when": {"question": "over_91_days", "equals": "no"}, "goto": "exit_too_young"},
            ],
            "next": "dog",
        },
        {
            "id": "dog",
            "title": t("犬のこと", "About the dog", "いぬの こと"),
            "questions": [
                {
                    "id": "dog_name",
                    "type": "text",
                    "max_length": 30,
                    "label": t("犬の名前", "Dog's name", "いぬの なまえ"),
                },
                {
                    "id": "breed",
                    "type": "text",
                    "max_length": 50,
                    "label": t("犬種", "Breed", "いぬの しゅるい"),
                    "help": t(
                        "例：柴、雑種", "For example: Shiba, mixed breed", "れい：しば、ざっしゅ"
                    ),
                },
                {
                    "id": "sex",
                    "type": "choice",
                    "label": t("性別", "Sex", "おす・めす"),
                    "options": [
                        opt("male", "オス", "Male", "おす"),
                        opt("female", "メス", "Female", "めす"),
                    ],
                },
                {
                    "id": "colour",
                    "type": "text",
                    "max_length": 30,
                    "label": t("毛色", "Coat colour", "けの いろ"),
                },
                {
                    "id": "dog_birth_date",
                    "type": "date",
                    "label": t(
                        "生年月日（推定可）",
                        "Date of birth (estimated is fine)",
                        "うまれた ひ（だいたいで よい）",
                    ),
                },
                {
                    "id": "old_tag_number",
                    "type": "text",
                    "required": False,
                    "max_length": 30,
                    "label": t(
                        "前の市区町村の鑑札番号（転入の場合）",
                        "Licence tag number from your previous municipality (if moving in)",
                        "まえの まちの かんさつ ばんごう",
                    ),
                },
                {
                    "id": "microchip",
                    "type": "text",
                    "required": False,
                    "max_length": 15,
                    "pattern": r"[0-9]{15}",
                    "pattern_message": t(
                        "マイクロチップの番号は15桁の数字です。",
                        "A microchip number has 15 digits.",
                        "マイクロチップの ばんごうは 15けた です。",
                    ),
                    "label": t(
                        "マイクロチップの番号（装着している場合）",
                        "Microchip number (if chipped)",
                        "マイクロチップの ばんごう（あれば）",
                    ),
                },
                {
                    "id": "vaccinated",
                    "type": "yesno",
                    "label": t(
                        "今年度の狂犬病予防注射を受けましたか",
                        "Has the dog had this year's rabies vaccination?",
                        "ことし きょうけんびょうの ちゅうしゃを しましたか",
                    ),
                },
            ],
            "next": "vaccination",
        },
        {
            "id": "vaccination",
            "title": t("狂犬病予防注射", "Rabies vaccination", "きょうけんびょうの ちゅうしゃ"),
            "questions": [
                {
                    "id": "vaccination_date",
                    "type": "date",
                    "show_if": yes_is("vaccinated"),
                    "label": t("注射を受けた日", "Date of the vaccination", "ちゅうしゃの ひ"),
                },
                {
                    "id": "vaccination_certificate",
                    "type": "file",
                    "show_if": yes_is("vaccinated"),
                    "max_size_mb": 5,
                    "label": t(
                        "狂犬病予防注射済証明書",
                        "Rabies vaccination certificate",
                        "ちゅうしゃを した しょうめいしょ",
                    ),
                    "help": t(
                        "写真かPDF（5MBまで）。",
                        "A photo or PDF (up to 5 MB).",
                        "しゃしん か PDF。",
                    ),
                },
                {
                    "id": "vaccination_plan",
                    "type": "choice",
                    "label": t("注射の予定", "Vaccination plans", "ちゅうしゃの よてい"),
                    "help": t(
                        "毎年4月から6月に1回受けてください。注射済票の交付は550円です。",
                        "Once a year between April and June; the vaccination tag costs 550 yen.",
                        "まいとし 4がつから 6がつに 1かい うけます。",
                    ),
                    "options": [
                        opt("done", "受けた（上記のとおり）", "Done (as above)", "うけた"),
                        opt(
                            "group",
                            "区の集合注射で受ける",
                            "At the ward's group vaccination day",
                            "くの ちゅうしゃの ひに うける",
                        ),
                        opt("vet", "動物病院で受ける", "At a vet", "どうぶつびょういんで うける"),
                    ],
                },
            ],
            "next": "owner",
        },
        {
            "id": "owner",
            "title": t(
                "飼い主と飼育場所", "Owner and where the dog lives", "かいぬしと いぬの いる ところ"
            ),
            "questions": [APPLICANT_NAME, *ADDRESS_QUESTIONS, EMAIL],
            "next": None,
        },
    ],
    "exits": [
        {
            "id": "exit_too_young",
            "title": t(
                "生後91日になってから登録してください",
                "Register the dog once it is 91 days old",
                "91にちに なったら とうろく して ください",
            ),
            "body": t(
                "生後91日以上になった日から30日以内に、登録と狂犬病予防注射が必要です（狂犬病予防法"
                "第4条・第5条）。",
                "Within 30 days of the dog turning 91 days old, register it and have it "
                "vaccinated against rabies (Rabies Prevention Act, Articles 4 and 5).",
                "91にちに なってから 30にち いないに とうろく して ください。",
            ),
        },
    ],
    "declaration": t(
        "届出の内容に誤りはありません。鑑札を犬に着け、毎年狂犬病予防注射を受けさせます。",
        "The information is correct. The dog will wear its licence tag and be vaccinated "
        "against rabies every year.",
        "ただしく かきました。かんさつを いぬに つけて、まいとし ちゅうしゃを します。",
    ),
}


# Published by `load_demo`, one form for each procedure the demo catalogue marks online.
DEMO_FORMS: dict[str, dict[str, Any]] = {
    "sodai-gomi": SODAI_GOMI,
    "juminhyo-utsushi": JUMINHYO,
    "smartphone-kashidashi": SMARTPHONE,
    "kumin-muke-jutaku-todokede": KUMIN_JUTAKU_TODOKEDE,
    "kumin-muke-jutaku-nyukyo-moshikomi": KUMIN_JUTAKU_NYUKYO,
    "chusho-kigyo-dx-hojokin": DX_HOJOKIN,
    "tenshutsu-todoke": TENSHUTSU,
    "jido-teate-nintei": JIDO_TEATE,
    "hoikuen-nyuen-moshikomi": HOIKUEN,
    "yokaigo-nintei": YOKAIGO,
    "inu-toroku": INU_TOROKU,
}
