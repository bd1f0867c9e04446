"""The demo in both languages: what its places, schools, majors, industries, units, chapters,
programs and events are called in Chinese (people.LocalName), so that 中文 pages read Chinese
through and through while every record keeps its one stored value."""

import re

from alma.demo.builders import DemoRun
from alma.events.models import Event, Program
from alma.people.models import Chapter, LocalName
from alma.people.services import local_names_load, local_names_shipped

TITLE = "Names in Chinese for places, schools, majors, chapters and events"
LANGUAGE = "zh-hans"

UNITS = {
    "Alumni Affairs Office": "校友总会办公室",
    "Career Development Center": "就业指导中心",
    "Student Affairs Office": "学生工作处",
    "Logistics Services Group": "后勤服务集团",
    "Office of International Cooperation and Exchange": "国际合作与交流处",
}
AFFINITY = {
    "Entrepreneurs Club": "校友企业家俱乐部",
    "Women in Engineering": "女工程师联谊会",
    "Finance and Investment Circle": "金融投资校友会",
    "Medical Alumni Association": "医学校友会",
    "Young Alumni Network": "青年校友联谊会",
    "Arts and Media Guild": "文化传媒校友会",
}
PLACES = {"Silicon Valley": "硅谷"}
PROGRAMS = {
    "Send-off seminars": "新生欢送会",
    "Admitted students' open day": "新生开放日",
    "Freshman first lesson": "新生第一课",
    "Alumni forum": "校友论坛",
    "Career talks": "职业发展讲座",
    "Innovation competition": "创新创业大赛",
    "Scholarship award ceremony": "奖学金颁奖典礼",
    "Graduation ceremony": "毕业典礼",
    "Job-search clinics": "求职辅导",
    "Welcome to the city": "欢迎新校友",
    "Homecoming": "校友返校日",
    "Back-to-school fellowship": "校友返校联谊",
    "Alumni webinars": "校友线上讲堂",
    "Job fairs": "招聘会",  # careers.services.fair_create makes it
}
TOPICS = {
    "From campus to a unicorn start-up": "从校园到独角兽创业公司",
    "What a doctorate abroad is really like": "海外读博的真实体验",
    "Engineering at scale: ten years in cloud computing": "大规模工程：云计算十年",
    "Public service as a career": "以公共服务为职业",
    "Finance after the algorithms": "算法时代的金融",
    "Medicine, research and the patient in front of you": "医学、科研与眼前的病人",
    "Writing for a living": "以写作为生",
    "Building hardware in Shenzhen": "在深圳做硬件",
    "Data science in healthcare": "医疗中的数据科学",
    "Leading your first team": "带领你的第一个团队",
    "Switching industries at forty": "四十岁转行",
    "Negotiating your salary": "如何谈薪",
    "AI tools for every profession": "各行各业的人工智能工具",
    "Investing for the long run": "长期投资",
    "Staying curious: lifelong learning": "保持好奇：终身学习",
    "Working across cultures": "跨文化工作",
}
TITLES = {
    "Today: lunch-time career talk with alumni": "今日：校友午间职业分享",
    "Breaking into AI research: a panel of alumni": "走进人工智能研究：校友圆桌",
    "CV clinic and mock interviews with alumni": "校友简历诊断与模拟面试",
    "Spring job fair: alumni enterprises recruit": "春季校友企业招聘会",
}


def chapter_name(name: str, places: dict[str, str]) -> str | None:
    if name in AFFINITY:
        return AFFINITY[name]
    if name.endswith(" Alumni Chapter"):
        city = name.removesuffix(" Alumni Chapter")
        if city in places:
            return f"{places[city]}校友会"
    return None


def event_title(title: str, chapters: dict[str, str], units: dict[str, str]) -> str | None:
    """The Chinese title of a demo event, from the patterns its builder uses."""
    if title in TITLES:
        return TITLES[title]
    patterns: list[tuple[str, object]] = [
        (r"Alumni forum: (.+)", lambda m: f"校友论坛：{TOPICS.get(m[1], '')}" if m[1] in TOPICS else None),
        (r"Webinar: (.+)", lambda m: f"线上讲堂：{TOPICS[m[1]]}" if m[1] in TOPICS else None),
        (r"Careers in practice: alumni of the (.+)", lambda m: f"职业实践：{units[m[1]]}校友分享" if m[1] in units else None),
        (r"First lesson for the class of (\d+): what I learned after leaving", lambda m: f"{m[1]}级新生第一课：离开校园后我学到的"),
        (r"Graduation ceremony (\d+)", lambda m: f"{m[1]}届毕业典礼"),
        (r"Homecoming (\d+): class reunions and the autumn gala", lambda m: f"{m[1]}年校友返校日：班级聚会与秋季晚会"),
        (r"Innovation and entrepreneurship competition (\d+)", lambda m: f"{m[1]}年创新创业大赛"),
        (r"Open day for the class of (\d+)", lambda m: f"{m[1]}级新生开放日"),
        (r"Scholarship award ceremony (\d+)", lambda m: f"{m[1]}年奖学金颁奖典礼"),
        (r"Send-off seminar: (.+) welcomes the class of (\d+)", lambda m: f"新生欢送会：{chapters[m[1]]}欢迎{m[2]}级新生" if m[1] in chapters else None),
        (r"(.+) spring fellowship", lambda m: f"{chapters[m[1]]}春季联谊会" if m[1] in chapters else None),
        (r"(.+) welcomes the graduates of (\d+)", lambda m: f"{chapters[m[1]]}欢迎{m[2]}届毕业生" if m[1] in chapters else None),
    ]  # fmt: skip
    for pattern, make in patterns:
        match = re.fullmatch(pattern, title)
        if match:
            return make(match)  # type: ignore[operator, no-any-return]
    return None


def build(run: DemoRun) -> None:
    shipped = local_names_shipped(LANGUAGE)
    places = {value: name for kind, value, name in shipped if kind == LocalName.Kind.PLACE}
    places |= PLACES
    schools = {value: name for kind, value, name in shipped if kind == LocalName.Kind.SCHOOL}
    units = UNITS | schools
    chapters = {c.name: zh for c in Chapter.objects.all() if (zh := chapter_name(c.name, places))}
    rows = list(shipped)
    rows += [(LocalName.Kind.PLACE, en, zh) for en, zh in PLACES.items()]
    rows += [(LocalName.Kind.ORGANIZATION, en, zh) for en, zh in units.items()]
    rows += [(LocalName.Kind.CHAPTER, en, zh) for en, zh in chapters.items()]
    rows += [
        (LocalName.Kind.PROGRAM, name, PROGRAMS[name])
        for name in Program.objects.values_list("name", flat=True)
        if name in PROGRAMS
    ]
    rows += [
        (LocalName.Kind.EVENT, title, zh)
        for title in Event.objects.values_list("title", flat=True).distinct()
        if (zh := event_title(title, chapters, units))
    ]
    local_names_load(rows=rows, language=LANGUAGE)
