"""Demo form definitions (forms as data), published by `load_demo` for three procedures."""

from __future__ import annotations

from typing import Any


def t(ja: str, en: str, easy: str) -> dict[str, str]:
    return {"ja": ja, "en": en, "ja-easy": easy}


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

SODAI_GOMI: dict[str, Any] = {
    "pages": [
        {
            "id": "items",
            "title": t(
                "出すものを選んでください", "What do you want collected?", "なにを だしますか"
            ),
            "questions": [
                {
                    "id": "item",
                    "type": "choice",
                    "label": t("品目", "Item", "もの"),
                    "options": [
                        {"value": "bed", "label": t("ベッド", "Bed", "ベッド")},
                        {"value": "sofa", "label": t("ソファ", "Sofa", "ソファ")},
                        {"value": "bicycle", "label": t("自転車", "Bicycle", "じてんしゃ")},
                        {"value": "wardrobe", "label": t("たんす", "Wardrobe", "たんす")},
                        {
                            "value": "appliance4",
                            "label": t(
                                "エアコン・テレビ・冷蔵庫・洗濯機",
                                "Air conditioner, TV, fridge or washing machine",
                                "エアコン・テレビ・れいぞうこ・せんたくき",
                            ),
                        },
                    ],
                },
                {
                    "id": "count",
                    "type": "number",
                    "min": 1,
                    "max": 10,
                    "label": t("個数", "How many", "いくつ"),
                },
            ],
            "routes": [
                {
                    "when": {"question": "item", "equals": "appliance4"},
                    "goto": "exit_appliance_recycling",
                }
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
            "questions": ADDRESS_QUESTIONS,
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

JUMINHYO: dict[str, Any] = {
    "pages": [
        {
            "id": "copies",
            "title": t("請求する写し", "Certificates you need", "ひつような しょうめいしょ"),
            "questions": [
                {
                    "id": "copies",
                    "type": "number",
                    "min": 1,
                    "max": 10,
                    "label": t("通数", "Number of copies", "なんまい"),
                },
                {
                    "id": "household",
                    "type": "choice",
                    "label": t("記載する人", "Who should be shown", "だれの ぶん"),
                    "options": [
                        {"value": "self", "label": t("本人のみ", "Only me", "じぶん だけ")},
                        {
                            "value": "all",
                            "label": t(
                                "世帯全員", "Everyone in my household", "いえの ひと ぜんいん"
                            ),
                        },
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
            "title": t("送付先", "Where to send it", "おくる ところ"),
            "questions": ADDRESS_QUESTIONS,
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
                        "港区にお住まいの65歳以上の方、または障害者手帳をお持ちの方ですか",
                        "Do you live in Minato City and are you 65 or over, or do you hold a "
                        "disability certificate?",
                        "みなとくに すんで いて、65さい いじょう、または しょうがいしゃ てちょうを もって いますか",
                    ),
                },
            ],
            "routes": [
                {"when": {"question": "eligible", "equals": "no"}, "goto": "exit_not_eligible"}
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
                        {
                            "value": "smartphone",
                            "label": t("スマートフォン", "Smartphone", "スマートフォン"),
                        },
                        {"value": "tablet", "label": t("タブレット", "Tablet", "タブレット")},
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
            ],
            "next": "contact",
        },
        {
            "id": "contact",
            "title": t("連絡先", "Contact details", "れんらくさき"),
            "questions": ADDRESS_QUESTIONS,
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

DEMO_FORMS: dict[str, dict[str, Any]] = {
    "sodai-gomi": SODAI_GOMI,
    "juminhyo-utsushi": JUMINHYO,
    "smartphone-kashidashi": SMARTPHONE,
}
