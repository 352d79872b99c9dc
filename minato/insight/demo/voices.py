"""The demo's residents' voices: written for the demo, never real people's words.

Each theme is something Minato's residents write about, with the department that answers it
and sentences in several wordings; ``generate`` combines them with openings, closings, areas
and a few personal details (which masking removes) into voices spread over the six months
before this one, with the mix changing by season (熱中症 in summer, 防災 in September,
年末のごみ in November).
``theme`` on each generated voice is the truth the analysis tests measure clustering against.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

THEMES: dict[str, dict] = {
    "nursery": {
        "category": "children",
        "department": "kodomo-katei-shien",
        "kinds": ["request", "complaint"],
        "months": {},
        "sentences": [
            "保育園の入園申込みに落ちてしまい、仕事に復帰できません。",
            "認可保育園の空きがなく、待機児童の対策をもっと進めてほしいです。",
            "保育園の入園選考の点数の付け方が分かりにくいです。",
            "育休明けに保育園が決まらず困っています。一時保育の枠も足りません。",
            "兄弟で別々の保育園に通うことになり、送り迎えが大変です。",
            "保育園の申込み書類が多すぎます。オンラインで出せるようにしてください。",
            "延長保育の時間をもう少し長くしてほしいです。",
        ],
    },
    "bicycles": {
        "category": "town",
        "department": "machizukuri-shien",
        "kinds": ["complaint", "request"],
        "months": {},
        "sentences": [
            "駅前の歩道に放置自転車が多く、ベビーカーで通れません。",
            "放置自転車の撤去をもっと頻繁にしてください。",
            "駐輪場が足りないので、駅の近くに増やしてほしいです。",
            "シェアサイクルの自転車が歩道をふさいでいて危ないです。",
            "歩道を猛スピードで走る自転車が怖いです。取り締まってください。",
            "自転車の駐輪場の料金が高すぎると思います。",
            "商店街の前に自転車が止められていて、車いすで通れません。",
        ],
    },
    "garbage": {
        "category": "environment",
        "department": "kankyo-risaikuru-shien",
        "kinds": ["complaint", "request", "opinion"],
        "months": {11: 2.0},
        "sentences": [
            "ごみ集積所にカラスが来て、ごみが散らかっています。ネットを配ってください。",
            "資源ごみの分別の仕方が分かりにくいです。アプリで調べられるようにしてほしい。",
            "粗大ごみの申込みの電話がつながりません。ネットで予約したいです。",
            "年末のごみ収集の日程を早めに知らせてください。",
            "集積所に収集日以外にごみを出す人がいて困っています。",
            "外国語のごみ出しルールの案内を増やしてください。",
            "プラスチックの分別回収を始めてほしいです。",
        ],
    },
    "parks": {
        "category": "town",
        "department": "machizukuri-shien",
        "kinds": ["request", "complaint", "thanks"],
        "months": {7: 1.3, 8: 1.3},
        "sentences": [
            "公園のトイレが汚れていて、子どもが使えません。清掃を増やしてください。",
            "公園の遊具が古くて危ないです。点検をお願いします。",
            "児童遊園にもっと日陰がほしいです。夏は暑くて遊べません。",
            "公園で夜遅くまで騒いでいる人がいて眠れません。",
            "公園でボール遊びができる時間を作ってほしいです。",
            "公園の花壇がいつもきれいに手入れされていて、ありがとうございます。",
            "公園の砂場に猫のふんがあって困っています。",
        ],
    },
    "heat": {
        "category": "welfare",
        "department": "minato-hokenjo",
        "kinds": ["request", "opinion"],
        "months": {7: 3.0, 8: 3.5, 6: 1.5},
        "sentences": [
            "熱中症が心配です。区の施設をクーリングシェルターとして開放してください。",
            "一人暮らしの高齢の母が熱中症にならないか心配です。見守りをお願いします。",
            "暑さ対策として、バス停に日よけを付けてほしいです。",
            "熱中症警戒アラートが出たときに、区からも知らせてほしいです。",
            "エアコンのない高齢者の家に、区で支援をしてください。",
            "学校のプールの授業が暑さで中止になっています。熱中症対策を教えてください。",
            "ミストシャワーを駅前に設置してほしいです。",
        ],
    },
    "disaster": {
        "category": "safety",
        "department": "bosai-kiki-kanri",
        "kinds": ["request", "opinion"],
        "months": {9: 3.0, 10: 1.3},
        "sentences": [
            "避難所の場所が分かりにくいです。地図で確認できるようにしてください。",
            "防災訓練の日程を早めに知らせてほしいです。",
            "マンションの高層階に住んでいます。地震のときの備えを教えてください。",
            "防災備蓄品の配布をもう一度してほしいです。",
            "外国人向けの避難の案内を多言語で用意してください。",
            "災害のときにペットと一緒に避難できる避難所を増やしてください。",
            "防災行政無線の放送が聞き取りにくいです。",
        ],
    },
    "online": {
        "category": "services",
        "department": "kikaku-keiei.dejitaru-kaikaku",
        "kinds": ["request", "opinion", "thanks"],
        "months": {},
        "sentences": [
            "住民票の写しをオンラインで申請できるようになって便利です。",
            "オンライン申請の画面が分かりにくく、途中であきらめました。",
            "手続きをスマートフォンで全部できるようにしてください。",
            "マイナンバーカードでログインできるようにしてほしいです。",
            "オンラインで申請したのに、結局窓口に行く必要がありました。",
            "電子申請の手数料をキャッシュレスで払えて助かりました。",
            "区のホームページで申請のページが見つけにくいです。",
        ],
    },
    "counters": {
        "category": "services",
        "department": "shiba.kumin",
        "kinds": ["complaint", "request", "thanks"],
        "months": {},
        "sentences": [
            "区役所の窓口の待ち時間が長すぎます。予約できるようにしてください。",
            "窓口で同じことを何度も書かされました。書かない窓口を進めてください。",
            "支所の窓口の職員の対応がとても丁寧でした。",
            "引っ越しの手続きで窓口をいくつも回らなければならず大変でした。",
            "土曜日も窓口を開けてほしいです。",
            "窓口の番号札の呼び出しがスマホで分かるのは便利です。",
            "窓口で英語が通じず困りました。通訳を用意してください。",
        ],
    },
    "seniors": {
        "category": "welfare",
        "department": "hoken-fukushi-shien",
        "kinds": ["request", "opinion"],
        "months": {},
        "sentences": [
            "高齢者向けのスマートフォン教室を増やしてください。",
            "介護保険の申請の仕方が分かりにくいです。",
            "一人暮らしの高齢者の見守りサービスを充実させてほしいです。",
            "デイサービスの送迎の時間をもっと柔軟にしてください。",
            "高齢者の集まれる場所を地域に増やしてほしいです。",
            "介護をしている家族の相談窓口を夜も開けてほしい。",
            "認知症の家族の支援について相談したいです。",
        ],
    },
    "noise": {
        "category": "environment",
        "department": "kankyo-risaikuru-shien",
        "kinds": ["complaint"],
        "months": {},
        "sentences": [
            "マンションの建設工事の騒音がひどく、朝早くからうるさいです。",
            "夜中に飲食店の客が騒いでいて眠れません。",
            "工事車両の出入りが多く、振動で家が揺れます。",
            "深夜の工事について事前に知らせてほしいです。",
            "近くのビルの室外機の音がうるさいです。",
            "週末の夜に道路で騒ぐ若者が多く困っています。",
            "大型トラックの騒音と排気ガスがひどいです。",
        ],
    },
    "bus": {
        "category": "town",
        "department": "machizukuri-shien",
        "kinds": ["request", "opinion", "thanks"],
        "months": {},
        "sentences": [
            "ちぃばすの本数を増やしてほしいです。",
            "コミュニティバスの路線を高輪の方にも延ばしてください。",
            "ちぃばすの運転手さんがいつも親切です。",
            "コミュニティバスの時刻表がバス停で見にくいです。",
            "ちぃばすが混んでいて、高齢者が座れません。",
            "コミュニティバスでICカードの乗り継ぎ割引を使えるようにしてください。",
            "ちぃばすのバス停に屋根を付けてほしいです。",
        ],
    },
    "library": {
        "category": "culture",
        "department": "kyoiku-iinkai",
        "kinds": ["request", "thanks"],
        "months": {},
        "sentences": [
            "図書館の開館時間を夜9時まで延ばしてほしいです。",
            "図書館の本をネットで予約できて便利です。",
            "図書館の自習席が足りません。学生が多くて座れません。",
            "電子書籍の貸し出しを増やしてください。",
            "図書館の子ども向けのおはなし会を増やしてほしいです。",
            "図書館の返却ポストを駅の近くにも置いてください。",
            "図書館の外国語の本をもっと増やしてほしいです。",
        ],
    },
    "streetlights": {
        "category": "safety",
        "department": "machizukuri-shien",
        "kinds": ["request", "complaint"],
        "months": {10: 1.5, 11: 1.5},
        "sentences": [
            "夜道が暗くて怖いので、街灯を増やしてください。",
            "路地の街灯が切れたままです。早く直してください。",
            "通学路に防犯カメラを付けてほしいです。",
            "公園の周りが夜暗く、防犯が心配です。",
            "街灯が少ない坂道で転びそうになりました。",
            "駅からの帰り道が暗く、女性の一人歩きが不安です。",
            "街灯をLEDに替えて明るくしてほしいです。",
        ],
    },
    "sidewalks": {
        "category": "town",
        "department": "machizukuri-shien",
        "kinds": ["request", "complaint"],
        "months": {},
        "sentences": [
            "歩道の段差が大きく、車いすで通れません。",
            "点字ブロックの上に看板が置かれていて危ないです。",
            "歩道が狭く、ベビーカーと人がすれ違えません。",
            "横断歩道の信号が短く、高齢者が渡りきれません。",
            "歩道のタイルがはがれていて、つまずきました。",
            "バリアフリーの道をもっと増やしてほしいです。",
            "雨の日に歩道に水たまりができて歩けません。",
        ],
    },
}

OPENINGS = [
    "",
    "",
    "",
    "いつもお世話になっております。",
    "区民の一人として意見します。",
    "以前から気になっていたのですが、",
    "港区に住んで10年になります。",
    "子育て中の者です。",
    "毎日通る道のことです。",
    "ご検討をお願いします。",
]
CLOSINGS = [
    "",
    "",
    "",
    "よろしくお願いします。",
    "ご検討ください。",
    "早めの対応をお願いします。",
    "区の考えを教えてください。",
    "どうぞよろしくお願いいたします。",
]
# A few writers leave personal details in the text; masking removes them.
PERSONAL = [
    "私は山田太郎と申します。",
    "連絡は090-1234-5678までお願いします。",
    "返信は voice.reader@example.jp にお願いします。",
    "自宅は港区芝5-36-4です。",
    "担当の佐藤さんにも伝えました。",
    "鈴木花子です。",
]

TOWNS = [
    ("shiba", ["芝一丁目", "芝二丁目", "芝三丁目", "芝公園一丁目", "浜松町一丁目", "新橋四丁目"]),
    ("azabu", ["六本木六丁目", "南麻布四丁目", "元麻布三丁目", "西麻布二丁目", "麻布十番二丁目"]),
    ("akasaka", ["赤坂四丁目", "赤坂八丁目", "青山二丁目", "南青山五丁目", "元赤坂一丁目"]),
    ("takanawa", ["高輪一丁目", "高輪三丁目", "白金一丁目", "白金台三丁目", "三田四丁目"]),
    (
        "shibaura_konan",
        ["芝浦一丁目", "芝浦四丁目", "港南二丁目", "港南四丁目", "海岸一丁目", "台場一丁目"],
    ),
]
AGE_BANDS = ["0-19", "20-29", "30-39", "40-49", "50-64", "65+"]
AGE_WEIGHTS = [1, 6, 12, 12, 9, 8]
CHANNELS = ["web"] * 10 + ["phone"] * 4 + ["paper"] * 2 + ["email"] * 2 + ["counter"]


def finished_months(count: int, today: date | None = None) -> list[tuple[int, int]]:
    """The ``count`` months before this one, oldest first, as (year, month)."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _index in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append((year, month))
    return list(reversed(months))


@dataclass(frozen=True)
class DemoVoice:
    theme: str
    kind: str
    category: str
    department: str
    area: str
    town: str
    age_band: str
    channel: str
    body: str
    received_on: date
    hour: int


def generate(
    count: int = 480, *, seed: int = 2026, months: list[tuple[int, int]] | None = None
) -> list[DemoVoice]:
    """``count`` voices, deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311 (demo text, not security)
    voices = []
    names = list(THEMES)
    months = months or finished_months(6)
    per_month = count // len(months)
    for year, month in months:
        weights = [THEMES[name]["months"].get(month, 1.0) for name in names]
        for _index in range(per_month):
            name = rng.choices(names, weights=weights)[0]
            theme = THEMES[name]
            area, towns = rng.choice(TOWNS)
            parts = [rng.choice(OPENINGS), rng.choice(theme["sentences"])]
            if rng.random() < 0.35:
                parts.append(rng.choice(theme["sentences"]))
            if rng.random() < 0.06:
                parts.append(rng.choice(PERSONAL))
            parts.append(rng.choice(CLOSINGS))
            voices.append(
                DemoVoice(
                    theme=name,
                    kind=rng.choice(theme["kinds"]),
                    category=theme["category"],
                    department=theme["department"],
                    area=area,
                    town=rng.choice(towns) if rng.random() < 0.85 else "",
                    age_band=rng.choices(AGE_BANDS, weights=AGE_WEIGHTS)[0]
                    if rng.random() < 0.8
                    else "",
                    channel=rng.choice(CHANNELS),
                    body="".join(dict.fromkeys(p for p in parts if p)),
                    received_on=date(year, month, rng.randint(1, 28)),
                    hour=rng.randint(8, 21),
                )
            )
    return voices
