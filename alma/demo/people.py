"""The demo university: deterministic, bilingual synthetic people at any scale.

`seed_university` writes alumni, students, staff, organisations, chapters and a year of staff
service-log activities in chunks with bulk inserts (a constant number of queries per chunk), so
`alma seed --alumni 1000000` runs in bounded memory on SQLite and PostgreSQL. `build` makes
the people of the demo university (`alma demo`) with it, with a sign-in for every role.

Everything is drawn from one `random.Random(seed)` and seeded Faker instances, so the same seed
(and the same day) gives the same people. Faker is slow per call, so names and company prefixes
are drawn once into pools and sampled from those.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import random
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone
from faker import Faker
from pypinyin import Style, lazy_pinyin

from alma.activity.services import POST_PRIORITY
from alma.demo.builders import DemoRun
from alma.lib.bulk import insert_rows, sequence_ids
from alma.people.models import (
    Audience,
    Chapter,
    ChapterMembership,
    Consent,
    ConsentPurpose,
    DegreeLevel,
    Education,
    Employment,
    Gender,
    Organization,
    Person,
    Post,
    StaffPost,
    Stage,
)
from alma.people.privacy import PRIVATE_FIELDS

T = TypeVar("T")
Row = dict[str, Any]  # a row to insert, keyed by field attname
Progress = Callable[[str], None]

UNIVERSITY_NAME = "Alma Demo University"
UNIVERSITY_CITY = "Shanghai"  # where the campus is, and where students and staff live
CAMPUS = {"current_city": "Shanghai", "current_province": "Shanghai", "current_country": "China"}
GRADUATION_YEARS = 40
BATCH_SIZE = 1000  # rows per INSERT where the database allows (SQLite caps it by parameters)


# --- Reference data --------------------------------------------------------------------------

# (city, province or state, country, weight as a current city, weight as a hometown)
CHINA_CITIES: list[tuple[str, str, str, float, float]] = [
    ("Shanghai", "Shanghai", "China", 18, 3),
    ("Beijing", "Beijing", "China", 14, 3),
    ("Shenzhen", "Guangdong", "China", 10, 1),
    ("Hangzhou", "Zhejiang", "China", 7, 4),
    ("Guangzhou", "Guangdong", "China", 6, 4),
    ("Chengdu", "Sichuan", "China", 5, 5),
    ("Nanjing", "Jiangsu", "China", 4, 4),
    ("Suzhou", "Jiangsu", "China", 4, 3),
    ("Wuhan", "Hubei", "China", 3, 5),
    ("Xi'an", "Shaanxi", "China", 2, 4),
    ("Chongqing", "Chongqing", "China", 2, 5),
    ("Tianjin", "Tianjin", "China", 2, 3),
    ("Changsha", "Hunan", "China", 1.5, 4),
    ("Zhengzhou", "Henan", "China", 1.5, 5),
    ("Hefei", "Anhui", "China", 1.5, 4),
    ("Qingdao", "Shandong", "China", 1.5, 3),
    ("Jinan", "Shandong", "China", 1, 3),
    ("Ningbo", "Zhejiang", "China", 1.5, 3),
    ("Wenzhou", "Zhejiang", "China", 0.5, 3),
    ("Xiamen", "Fujian", "China", 1.5, 2),
    ("Fuzhou", "Fujian", "China", 1, 3),
    ("Quanzhou", "Fujian", "China", 0.4, 2),
    ("Wuxi", "Jiangsu", "China", 1.2, 2),
    ("Xuzhou", "Jiangsu", "China", 0.4, 2),
    ("Foshan", "Guangdong", "China", 1, 1.5),
    ("Dongguan", "Guangdong", "China", 1, 1.5),
    ("Kunming", "Yunnan", "China", 0.8, 3),
    ("Nanchang", "Jiangxi", "China", 0.6, 3),
    ("Ganzhou", "Jiangxi", "China", 0.2, 2),
    ("Guiyang", "Guizhou", "China", 0.5, 2),
    ("Zunyi", "Guizhou", "China", 0.1, 1),
    ("Nanning", "Guangxi", "China", 0.5, 3),
    ("Harbin", "Heilongjiang", "China", 0.5, 3),
    ("Shenyang", "Liaoning", "China", 0.6, 3),
    ("Dalian", "Liaoning", "China", 0.8, 2),
    ("Changchun", "Jilin", "China", 0.4, 2),
    ("Taiyuan", "Shanxi", "China", 0.4, 2),
    ("Shijiazhuang", "Hebei", "China", 0.5, 4),
    ("Luoyang", "Henan", "China", 0.3, 2),
    ("Mianyang", "Sichuan", "China", 0.3, 2),
    ("Yichang", "Hubei", "China", 0.2, 1.5),
    ("Lanzhou", "Gansu", "China", 0.3, 2),
    ("Urumqi", "Xinjiang", "China", 0.2, 1),
    ("Hohhot", "Inner Mongolia", "China", 0.2, 1),
    ("Haikou", "Hainan", "China", 0.3, 1),
    ("Hong Kong", "Hong Kong SAR", "China", 1.5, 0.5),
]
ABROAD_CITIES: list[tuple[str, str, str, float, float]] = [
    ("San Jose", "California", "United States", 2, 0.5),
    ("San Francisco", "California", "United States", 2, 1),
    ("Palo Alto", "California", "United States", 1, 0.2),
    ("Mountain View", "California", "United States", 1, 0.2),
    ("Sunnyvale", "California", "United States", 1, 0.2),
    ("Santa Clara", "California", "United States", 0.8, 0.2),
    ("Seattle", "Washington", "United States", 1.5, 1),
    ("New York", "New York", "United States", 2, 2),
    ("Boston", "Massachusetts", "United States", 1.2, 1),
    ("Chicago", "Illinois", "United States", 0.8, 1.5),
    ("Austin", "Texas", "United States", 0.6, 1),
    ("London", "England", "United Kingdom", 2, 1.5),
    ("Manchester", "England", "United Kingdom", 0.3, 1),
    ("Singapore", "", "Singapore", 2, 1),
    ("Toronto", "Ontario", "Canada", 1.2, 1),
    ("Vancouver", "British Columbia", "Canada", 1, 0.8),
    ("Sydney", "New South Wales", "Australia", 1, 1),
    ("Melbourne", "Victoria", "Australia", 0.8, 1),
    ("Tokyo", "Tokyo", "Japan", 1, 0.8),
    ("Seoul", "Seoul", "South Korea", 0.5, 1),
    ("Frankfurt", "Hesse", "Germany", 0.6, 0.5),
    ("Munich", "Bavaria", "Germany", 0.5, 1),
    ("Paris", "Île-de-France", "France", 0.6, 1),
    ("Lyon", "Auvergne-Rhône-Alpes", "France", 0.2, 0.8),
]
SILICON_VALLEY = (
    "San Jose",
    "San Francisco",
    "Palo Alto",
    "Mountain View",
    "Sunnyvale",
    "Santa Clara",
)


@dataclass(frozen=True)
class Industry:
    name: str
    zh_word: str  # used in Chinese company names, e.g. 网络科技
    en_words: tuple[str, ...]
    junior_titles: tuple[str, ...]
    senior_titles: tuple[str, ...]
    expertise: tuple[str, ...]


INDUSTRIES: dict[str, Industry] = {
    i.name: i
    for i in [
        Industry(
            "Internet",
            "网络科技",
            ("Labs", "Digital", "Networks", "Cloud"),
            (
                "Software Engineer",
                "Product Manager",
                "Data Analyst",
                "UX Designer",
                "Operations Specialist",
            ),
            (
                "Engineering Director",
                "Head of Product",
                "Chief Technology Officer",
                "Principal Engineer",
            ),
            ("Product management", "Growth", "Distributed systems", "Recommendation systems"),
        ),
        Industry(
            "Software",
            "软件",
            ("Software", "Systems", "Analytics"),
            ("Software Engineer", "Test Engineer", "Solutions Engineer", "Data Engineer"),
            ("Chief Architect", "VP of Engineering", "Technical Director"),
            ("Enterprise software", "Databases", "Cloud computing", "Cybersecurity"),
        ),
        Industry(
            "Semiconductors",
            "微电子",
            ("Semiconductor", "Microsystems"),
            ("IC Design Engineer", "Process Engineer", "Verification Engineer"),
            ("Chief Engineer", "VP of R&D", "Fab Director"),
            ("Chip design", "EDA", "Embedded systems"),
        ),
        Industry(
            "Finance",
            "投资管理",
            ("Capital", "Securities", "Asset Management", "Investments"),
            ("Analyst", "Risk Analyst", "Associate", "Quantitative Researcher"),
            ("Managing Director", "Portfolio Manager", "Chief Risk Officer", "Partner"),
            ("Investment banking", "Risk management", "Quantitative finance", "Venture capital"),
        ),
        Industry(
            "Manufacturing",
            "智能制造",
            ("Industries", "Precision", "Robotics"),
            ("Mechanical Engineer", "Quality Engineer", "Production Planner"),
            ("Plant Manager", "Chief Engineer", "General Manager"),
            ("Lean manufacturing", "Industrial automation", "Supply chain"),
        ),
        Industry(
            "Automotive",
            "汽车科技",
            ("Motors", "Mobility"),
            ("Vehicle Engineer", "Battery Engineer", "Autonomous Driving Engineer"),
            ("R&D Director", "Chief Engineer"),
            ("Electric vehicles", "Autonomous driving", "Battery systems"),
        ),
        Industry(
            "Biotech and pharma",
            "生物医药",
            ("Biotherapeutics", "Pharma", "Life Sciences"),
            ("Research Scientist", "Clinical Research Associate", "Regulatory Affairs Specialist"),
            ("Head of R&D", "Medical Director", "Chief Scientific Officer"),
            ("Drug discovery", "Clinical trials", "Bioinformatics", "Gene therapy"),
        ),
        Industry(
            "Healthcare",
            "医疗健康",
            ("Medical", "Health"),
            ("Resident Physician", "Nurse", "Pharmacist", "Attending Physician"),
            ("Chief Physician", "Head of Department", "Hospital Director"),
            ("Cardiology", "Public health", "Nursing", "Medical imaging"),
        ),
        Industry(
            "Education",
            "教育科技",
            ("Learning", "Education"),
            ("Teacher", "Lecturer", "Curriculum Designer", "Postdoctoral Researcher"),
            ("Principal", "Professor", "Dean"),
            ("Teaching", "Curriculum design", "Educational technology"),
        ),
        Industry(
            "Energy",
            "新能源",
            ("Energy", "Solar", "Power"),
            ("Energy Engineer", "Grid Engineer", "Project Engineer"),
            ("General Manager", "Chief Engineer"),
            ("Photovoltaics", "Energy storage", "Power systems"),
        ),
        Industry(
            "Construction and real estate",
            "建设发展",
            ("Construction", "Architects", "Properties"),
            ("Civil Engineer", "Architect", "Site Engineer", "Urban Planner"),
            ("Chief Architect", "Project Director", "General Manager"),
            ("Structural engineering", "Urban planning", "Architecture"),
        ),
        Industry(
            "Consulting",
            "管理咨询",
            ("Consulting", "Advisors"),
            ("Consultant", "Business Analyst", "Auditor"),
            ("Partner", "Principal", "Managing Director"),
            ("Strategy", "Auditing", "Management consulting"),
        ),
        Industry(
            "Law",
            "律师事务所",
            ("& Partners",),
            ("Associate Lawyer", "Legal Counsel", "Paralegal"),
            ("Partner", "General Counsel"),
            ("Corporate law", "Intellectual property", "Arbitration"),
        ),
        Industry(
            "Media",
            "文化传媒",
            ("Media", "Studios"),
            ("Reporter", "Editor", "Content Producer"),
            ("Editor-in-Chief", "Creative Director"),
            ("Journalism", "Content strategy", "Brand communication"),
        ),
        Industry(
            "Chemicals and materials",
            "新材料",
            ("Chemicals", "Materials"),
            ("Chemical Engineer", "Materials Engineer", "Lab Analyst"),
            ("Technical Director", "Chief Engineer"),
            ("Polymer materials", "Process safety", "Catalysis"),
        ),
        Industry(
            "Environment",
            "环保科技",
            ("Environmental", "Water"),
            ("Environmental Engineer", "EHS Specialist"),
            ("Technical Director", "General Manager"),
            ("Water treatment", "Carbon accounting", "Environmental impact assessment"),
        ),
        Industry(
            "Public sector",
            "",
            (),
            ("Civil Servant", "Policy Analyst", "Project Officer"),
            ("Division Director", "Deputy Director-General"),
            ("Public policy", "Public administration", "Urban governance"),
        ),
    ]
}


@dataclass(frozen=True)
class School:
    name: str
    majors: tuple[str, ...]
    industries: tuple[str, ...]  # where its graduates tend to work, most likely first
    engineering: bool = False
    medicine: bool = False


SCHOOLS: list[School] = [
    School(
        "School of Computer Science and Technology",
        (
            "Computer Science and Technology",
            "Software Engineering",
            "Artificial Intelligence",
            "Data Science and Big Data Technology",
            "Cyberspace Security",
        ),
        ("Internet", "Software", "Finance", "Semiconductors"),
        engineering=True,
    ),
    School(
        "School of Electronic Information and Electrical Engineering",
        (
            "Electronic Information Engineering",
            "Communication Engineering",
            "Electrical Engineering and Automation",
            "Microelectronics",
        ),
        ("Semiconductors", "Energy", "Internet", "Manufacturing"),
        engineering=True,
    ),
    School(
        "School of Mechanical Engineering",
        (
            "Mechanical Engineering",
            "Vehicle Engineering",
            "Industrial Design",
            "Robotics Engineering",
        ),
        ("Manufacturing", "Automotive", "Energy"),
        engineering=True,
    ),
    School(
        "School of Civil Engineering and Architecture",
        (
            "Civil Engineering",
            "Architecture",
            "Urban and Rural Planning",
            "Water Supply and Drainage",
        ),
        ("Construction and real estate", "Public sector", "Consulting"),
        engineering=True,
    ),
    School(
        "School of Materials Science and Engineering",
        ("Materials Science and Engineering", "Polymer Materials", "New Energy Materials"),
        ("Chemicals and materials", "Energy", "Automotive"),
        engineering=True,
    ),
    School(
        "School of Chemistry and Chemical Engineering",
        ("Chemistry", "Chemical Engineering and Technology", "Applied Chemistry"),
        ("Chemicals and materials", "Biotech and pharma", "Environment"),
        engineering=True,
    ),
    School(
        "School of Environmental Science and Engineering",
        ("Environmental Science", "Environmental Engineering", "Ecology"),
        ("Environment", "Public sector", "Energy"),
        engineering=True,
    ),
    School(
        "School of Mathematical Sciences",
        ("Mathematics and Applied Mathematics", "Statistics", "Information and Computing Science"),
        ("Finance", "Internet", "Education"),
    ),
    School(
        "School of Physics and Astronomy",
        ("Physics", "Applied Physics", "Astronomy"),
        ("Semiconductors", "Education", "Energy"),
    ),
    School(
        "School of Life Sciences",
        ("Biological Sciences", "Biotechnology", "Bioinformatics"),
        ("Biotech and pharma", "Healthcare", "Education"),
    ),
    School(
        "School of Medicine",
        ("Clinical Medicine", "Stomatology", "Nursing", "Pharmacy", "Preventive Medicine"),
        ("Healthcare", "Biotech and pharma", "Public sector"),
        medicine=True,
    ),
    School(
        "School of Economics",
        ("Economics", "Finance", "International Economics and Trade", "Financial Engineering"),
        ("Finance", "Consulting", "Public sector"),
    ),
    School(
        "School of Management",
        (
            "Business Administration",
            "Accounting",
            "Marketing",
            "Information Management and Information Systems",
            "Human Resource Management",
        ),
        ("Consulting", "Finance", "Internet", "Manufacturing"),
    ),
    School("School of Law", ("Law", "Intellectual Property"), ("Law", "Public sector", "Finance")),
    School(
        "School of Foreign Languages",
        ("English", "Japanese", "French", "German", "Translation and Interpreting"),
        ("Education", "Media", "Consulting"),
    ),
    School(
        "School of Humanities",
        ("Chinese Language and Literature", "History", "Philosophy"),
        ("Education", "Media", "Public sector"),
    ),
    School(
        "School of Journalism and Communication",
        ("Journalism", "Advertising", "Radio and Television"),
        ("Media", "Internet"),
    ),
    School(
        "School of Public Administration",
        ("Public Administration", "Social Work", "Land Resource Management"),
        ("Public sector", "Consulting"),
    ),
    School(
        "School of Art and Design",
        ("Visual Communication Design", "Environmental Design", "Fine Arts"),
        ("Media", "Internet", "Construction and real estate"),
    ),
    School(
        "School of Education",
        ("Education", "Educational Technology", "Preschool Education", "Physical Education"),
        ("Education", "Public sector"),
    ),
]
CONTINUING_SCHOOL = School(
    "School of Continuing Education",
    (
        "Business Administration",
        "Accounting",
        "Computer Applications",
        "Law",
        "Nursing",
        "Logistics Management",
    ),
    ("Manufacturing", "Finance", "Healthcare", "Public sector"),
)
INTERNATIONAL_SCHOOL = School(
    "International College",
    ("Chinese Language and Culture", "International Business", "China Studies"),
    ("Consulting", "Education", "Finance"),
)

# (level, share among alumni, share among students, years of study)
DEGREE_MIX: list[tuple[str, float, float, int]] = [
    (DegreeLevel.BACHELOR, 0.58, 0.68, 4),
    (DegreeLevel.MASTER, 0.21, 0.20, 3),
    (DegreeLevel.DOCTORATE, 0.05, 0.06, 4),
    (DegreeLevel.ASSOCIATE, 0.06, 0.02, 3),
    (DegreeLevel.CONTINUING, 0.07, 0.02, 2),
    (DegreeLevel.EXCHANGE, 0.03, 0.02, 1),
]
DEGREE_YEARS = {str(level): years for level, _a, _s, years in DEGREE_MIX}
DEGREE_CODE: dict[str, str] = {
    DegreeLevel.ASSOCIATE: "1",
    DegreeLevel.BACHELOR: "2",
    DegreeLevel.MASTER: "3",
    DegreeLevel.DOCTORATE: "4",
    DegreeLevel.EXCHANGE: "5",
    DegreeLevel.CONTINUING: "6",
}
AGE_AT_ENTRY: dict[str, int] = {
    DegreeLevel.ASSOCIATE: 18,
    DegreeLevel.BACHELOR: 18,
    DegreeLevel.MASTER: 22,
    DegreeLevel.DOCTORATE: 25,
    DegreeLevel.EXCHANGE: 20,
    DegreeLevel.CONTINUING: 27,
}

# (post, share, titles, service units it belongs to)
POST_MIX: list[tuple[str, float, tuple[str, ...]]] = [
    (Post.TEACHING, 0.5, ("Lecturer", "Assistant Professor", "Associate Professor", "Professor")),
    (
        Post.ADMINISTRATIVE,
        0.21,
        (
            "Student Counsellor",
            "Academic Affairs Officer",
            "International Student Advisor",
            "Registrar's Officer",
        ),
    ),
    (
        Post.LOGISTICS,
        0.15,
        (
            "Dormitory Manager",
            "Canteen Supervisor",
            "Facilities Engineer",
            "Campus Clinic Nurse",
            "Library Services Officer",
        ),
    ),
    (
        Post.ALUMNI_OFFICE,
        0.10,
        (
            "Alumni Relations Officer",
            "Director of Alumni Affairs",
            "Alumni Data Officer",
            "Development Officer",
        ),
    ),
    (Post.CAREER_OFFICE, 0.04, ("Career Advisor", "Employer Relations Officer")),
]
SERVICE_UNITS: list[tuple[str, str]] = [
    ("Alumni Affairs Office", Post.ALUMNI_OFFICE),
    ("Career Development Center", Post.CAREER_OFFICE),
    ("Student Affairs Office", Post.ADMINISTRATIVE),
    ("Logistics Services Group", Post.LOGISTICS),
    ("Office of International Cooperation and Exchange", Post.ADMINISTRATIVE),
]

REGIONAL_CHAPTERS: list[tuple[str, tuple[str, ...], str, str]] = [
    # (chapter city, the current cities whose alumni it gathers, province, country)
    ("Shanghai", ("Shanghai",), "Shanghai", "China"),
    ("Beijing", ("Beijing",), "Beijing", "China"),
    ("Shenzhen", ("Shenzhen", "Dongguan"), "Guangdong", "China"),
    ("Hangzhou", ("Hangzhou", "Ningbo", "Wenzhou"), "Zhejiang", "China"),
    ("Chengdu", ("Chengdu", "Mianyang"), "Sichuan", "China"),
    ("Silicon Valley", SILICON_VALLEY, "California", "United States"),
    ("Guangzhou", ("Guangzhou", "Foshan"), "Guangdong", "China"),
    ("Wuhan", ("Wuhan", "Yichang"), "Hubei", "China"),
    ("Nanjing", ("Nanjing", "Xuzhou"), "Jiangsu", "China"),
    ("Suzhou", ("Suzhou", "Wuxi"), "Jiangsu", "China"),
    ("Xi'an", ("Xi'an",), "Shaanxi", "China"),
    ("Chongqing", ("Chongqing",), "Chongqing", "China"),
    ("Tianjin", ("Tianjin",), "Tianjin", "China"),
    ("Xiamen", ("Xiamen", "Quanzhou", "Fuzhou"), "Fujian", "China"),
    ("Hong Kong", ("Hong Kong",), "Hong Kong SAR", "China"),
    ("Singapore", ("Singapore",), "", "Singapore"),
    ("London", ("London", "Manchester"), "England", "United Kingdom"),
    ("New York", ("New York", "Boston"), "New York", "United States"),
    ("Seattle", ("Seattle",), "Washington", "United States"),
    ("Toronto", ("Toronto", "Vancouver"), "Ontario", "Canada"),
    ("Sydney", ("Sydney", "Melbourne"), "New South Wales", "Australia"),
    ("Tokyo", ("Tokyo",), "Tokyo", "Japan"),
]
AFFINITY_CHAPTERS: list[tuple[str, str]] = [
    ("Entrepreneurs Club", "Alumni who founded or lead companies, and those who want to."),
    (
        "Women in Engineering",
        "Alumnae of the engineering schools supporting each other and students.",
    ),
    ("Finance and Investment Circle", "Alumni in banking, investment and fintech."),
    ("Medical Alumni Association", "Graduates of the School of Medicine."),
    ("Young Alumni Network", "Graduates of the last ten years."),
    ("Arts and Media Guild", "Alumni in journalism, design, film and publishing."),
]
MAX_CHAPTERS = len(REGIONAL_CHAPTERS) + len(AFFINITY_CHAPTERS)

INTERESTS = (
    "Mentoring",
    "Hiking",
    "Photography",
    "Entrepreneurship",
    "Table tennis",
    "Calligraphy",
    "Go (weiqi)",
    "Classical music",
    "Running",
    "Start-ups",
    "Volunteering",
    "Reading",
    "Badminton",
    "Travel",
    "Tea culture",
    "Basketball",
    "Film",
    "Public speaking",
    "Cooking",
    "Traditional Chinese painting",
    "Chess",
    "Swimming",
    "Investing",
    "Rural education",
)

NOTES: dict[tuple[str, str], tuple[str, ...]] = {
    (Post.TEACHING, "study"): (
        "Office hours on the problem set",
        "Went through the thesis proposal draft",
        "Explained the grading of the midterm",
        "Recommended readings for the research project",
        "Helped plan next semester's course selection",
        "Coached the team for the modelling contest",
        "Reviewed the lab report and experiment design",
    ),
    (Post.TEACHING, "work"): (
        "Wrote a recommendation letter for graduate school",
        "Discussed research career options",
        "Introduced to a lab for a summer internship",
        "Reviewed the CV before applications",
    ),
    (Post.TEACHING, "life"): (
        "Talked through stress before exams",
        "Checked in after a family emergency",
    ),
    (Post.ADMINISTRATIVE, "study"): (
        "Advised on credit transfer for the exchange semester",
        "Sorted out a course registration problem",
        "Explained the rules for deferring an exam",
        "Processed the scholarship application",
    ),
    (Post.ADMINISTRATIVE, "work"): (
        "Mock interview for an internship",
        "Reviewed the CV and cover letter",
        "Signed the three-party employment agreement",
        "Helped prepare for the civil service exam",
        "Explained the job-fair schedule and employers",
    ),
    (Post.ADMINISTRATIVE, "life"): (
        "Helped with the hardship grant application",
        "Arranged a dormitory room change",
        "Talked through homesickness in the first month",
        "Helped renew the student visa",
        "Referred to the counselling centre",
    ),
    (Post.LOGISTICS, "life"): (
        "Fixed the hot-water problem in the dormitory",
        "Replaced a lost campus card",
        "Arranged a quiet room for exam revision",
        "Helped move in on arrival day",
        "Arranged halal meals in the canteen",
        "Organised a bicycle repair",
        "Helped after a minor injury at the sports ground",
    ),
    (Post.LOGISTICS, "study"): (
        "Extended library access during exam weeks",
        "Set up the lab equipment for the project",
    ),
    (Post.LOGISTICS, "work"): ("Arranged a part-time job in the canteen",),
    (Post.ALUMNI_OFFICE, "work"): (
        "Introduced to an alumnus mentor in the industry",
        "Invited to the alumni career talk",
        "Arranged a visit to an alumni enterprise",
        "Matched with an alumni internship offer",
    ),
    (Post.ALUMNI_OFFICE, "life"): (
        "Connected with the regional alumni chapter before moving",
        "Arranged an alumni bursary",
    ),
    (Post.ALUMNI_OFFICE, "study"): ("Introduced to an alumnus for thesis fieldwork",),
}
# How each post's services divide over the aspects (life, study, work).
ASPECT_MIX: dict[str, tuple[float, float, float]] = {
    Post.TEACHING: (0.1, 0.7, 0.2),
    Post.ADMINISTRATIVE: (0.35, 0.3, 0.35),
    Post.LOGISTICS: (0.85, 0.1, 0.05),
    Post.ALUMNI_OFFICE: (0.2, 0.15, 0.65),
}
ASPECTS = ("life", "study", "work")

# Given-name characters that Chinese names are commonly made of, to widen Faker's short lists.
ZH_GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷慧雪琳颖洁莹欣怡佳悦晨雨思涵梦瑶雯倩琪萱蕾淑婉晓月清宁"
ZH_GIVEN_MALE = "伟强磊洋勇军杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭龙林阳建峰晨瑞博文志海泽轩然昊"
# Surnames with a reading pypinyin does not pick by default.
SURNAME_PINYIN = {
    "曾": "Zeng",
    "单": "Shan",
    "解": "Xie",
    "仇": "Qiu",
    "朴": "Piao",
    "查": "Zha",
    "区": "Ou",
    "翟": "Zhai",
    "乐": "Yue",
    "缪": "Miao",
    "盖": "Ge",
    "覃": "Qin",
    "种": "Chong",
    "尉迟": "Yuchi",
    "万俟": "Moqi",
    "长孙": "Zhangsun",
    "秘": "Bi",
    "繁": "Po",
    "召": "Shao",
    "句": "Gou",
    "柏": "Bai",
    "隗": "Wei",
    "宓": "Mi",
    "冼": "Xian",
    "员": "Yun",
    "阚": "Kan",
    "折": "She",
    "黑": "He",
    "过": "Guo",
    "沈": "Shen",
}
# The purposes alumni and students decide for themselves (a parent's send-off and new-parents
# consents are asked on admission, and recorded with the parents).
ALL_PURPOSES = tuple(
    p
    for p in ConsentPurpose.values
    if p not in (ConsentPurpose.SEND_OFF, ConsentPurpose.NEW_PARENTS)
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
ORG_DESCRIPTIONS: dict[str, str] = {
    Organization.Kind.ALUMNI_ENTERPRISE: f"Founded and led by alumni of {UNIVERSITY_NAME}.",
    Organization.Kind.PARTNER: f"Partner of {UNIVERSITY_NAME}: internships, jobs and projects.",
    Organization.Kind.SCHOOL_UNIT: f"A unit of {UNIVERSITY_NAME}.",
}


# --- Small helpers ---------------------------------------------------------------------------


class Weighted(Generic[T]):
    """A weighted choice by bisection, faster than `random.choices` in a hot loop."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _batch_bounds(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(size, total - start)


def _aware(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


class NamePools:
    """Names drawn once from seeded Faker instances; people sample from these pools."""

    def __init__(self, seed: int) -> None:
        zh = Faker("zh_CN")
        zh.seed_instance(seed)
        en = Faker("en_US")
        en.seed_instance(seed)
        rng = random.Random(seed)
        # Faker draws surnames by their real frequency, so common ones repeat in the pool.
        self.zh_family = [zh.last_name() for _ in range(3000)]
        self.zh_given: dict[str, list[str]] = {}
        for gender, faker_draw, chars in (
            (Gender.FEMALE, zh.first_name_female, ZH_GIVEN_FEMALE),
            (Gender.MALE, zh.first_name_male, ZH_GIVEN_MALE),
        ):
            pool = [faker_draw() for _ in range(600)]
            pool += [rng.choice(chars) for _ in range(400)]
            pool += [rng.choice(chars) + rng.choice(chars) for _ in range(2000)]
            self.zh_given[str(gender)] = pool
        self.en_given = {
            str(Gender.FEMALE): [en.first_name_female() for _ in range(800)],
            str(Gender.MALE): [en.first_name_male() for _ in range(800)],
        }
        self.en_family = [en.last_name() for _ in range(1500)]
        self.company_prefixes = [
            p
            for p in dict.fromkeys(zh.company_prefix() for _ in range(400))
            if not p.endswith("公司")
        ]
        self.en_company_names = [en.last_name() for _ in range(400)]
        self._pinyin: dict[str, str] = {}

    def pinyin(self, text: str, *, surname: bool = False) -> str:
        """Pinyin as on a passport: 王芳 -> "Wang Fang", 吕 -> "Lyu"."""
        key = ("S" if surname else "G") + text
        cached = self._pinyin.get(key)
        if cached is None:
            if surname and text in SURNAME_PINYIN:
                cached = SURNAME_PINYIN[text]
            elif surname:
                cached = self._syllables(text).capitalize()
            else:
                # Given names are read character by character: a handful of characters make up
                # thousands of names, so this converts each character once.
                cached = "".join(self._syllables(ch) for ch in text).capitalize()
            self._pinyin[key] = cached
        return cached

    def _syllables(self, text: str) -> str:
        cached = self._pinyin.get(text)
        if cached is None:
            syllables = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
            cached = self._pinyin[text] = "".join(syllables).replace("v", "yu")
        return cached


@functools.lru_cache(maxsize=4)
def name_pools(seed: int) -> NamePools:
    """Pools depend only on the seed (their pinyin memo only grows), so a process builds one."""
    return NamePools(seed)


# --- The generator ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedSize:
    alumni: int
    students: int
    staff: int = 60
    organizations: int = 40
    chapters: int = 8
    activities_per_staff: int = 40


@dataclass
class SeedResult:
    alumni: int = 0
    students: int = 0
    staff: int = 0
    representatives: int = 0
    organizations: int = 0
    organizations_reused: int = 0
    chapters: int = 0
    chapters_reused: int = 0
    educations: int = 0
    employments: int = 0
    memberships: int = 0
    consents: int = 0
    posts: int = 0
    activities: int = 0
    seconds: float = 0.0

    @property
    def people(self) -> int:
        return self.alumni + self.students + self.staff + self.representatives

    @property
    def people_per_second(self) -> float:
        return self.people / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _ChapterSlot:
    chapter_id: int
    kind: str
    cities: frozenset[str]
    key: str  # for affinity chapters: which rule admits members
    officers: int = 0


@dataclass
class _Org:
    id: int
    name: str
    kind: str
    industry: str


@dataclass
class _PendingPerson:
    """A person and the rows that hang off them, inserted together once the person has an id."""

    person: Row
    educations: list[Row] = field(default_factory=list)
    employments: list[Row] = field(default_factory=list)
    memberships: list[Row] = field(default_factory=list)
    consents: list[Row] = field(default_factory=list)
    posts: list[Row] = field(default_factory=list)
    represents: list[int] = field(default_factory=list)  # organisation ids
    id: int = 0  # the person's id, once inserted


class UniversityGenerator:
    """Draws the university's people; `seed_university` drives it and writes the rows."""

    def __init__(self, *, seed: int, today: dt.date, student_number_base: int = 0) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.names = name_pools(seed)
        # The academic year starts in September; degrees are conferred in June.
        self.academic_year = today.year if today.month >= 9 else today.year - 1
        self.last_graduation_year = today.year if today.month >= 7 else today.year - 1
        self.first_graduation_year = self.last_graduation_year - GRADUATION_YEARS + 1
        # Universities grow: recent years have more graduates than forty years ago.
        years = list(range(self.first_graduation_year, self.last_graduation_year + 1))
        self.graduation_year = Weighted(years, [1 + 0.08 * i for i in range(len(years))])
        self.alumni_level = Weighted([d[0] for d in DEGREE_MIX], [d[1] for d in DEGREE_MIX])
        self.student_level = Weighted([d[0] for d in DEGREE_MIX], [d[2] for d in DEGREE_MIX])
        self.school = Weighted(SCHOOLS, [3 if s.engineering else 2 for s in SCHOOLS])
        china_current = Weighted(CHINA_CITIES, [c[3] for c in CHINA_CITIES])
        self.china_current = china_current
        self.china_home = Weighted(CHINA_CITIES, [c[4] for c in CHINA_CITIES])
        self.abroad_current = Weighted(ABROAD_CITIES, [c[3] for c in ABROAD_CITIES])
        self.abroad_home = Weighted(ABROAD_CITIES, [c[4] for c in ABROAD_CITIES])
        self.post = Weighted([p[0] for p in POST_MIX], [p[1] for p in POST_MIX])
        self.post_titles = {str(p[0]): p[2] for p in POST_MIX}
        self.rating = Weighted([5, 4, 3, 2, 1], [45, 30, 15, 6, 4])
        self.student_number_seq = student_number_base
        self.enterprises: list[_Org] = []
        self.partners: list[_Org] = []
        self.school_units: list[_Org] = []
        self.unit_by_post: dict[str, list[_Org]] = {}
        self.unit_by_school: dict[str, _Org] = {}
        self.chapters: list[_ChapterSlot] = []
        self.chapters_by_city: dict[str, list[_ChapterSlot]] = {}
        self.founders_needed: list[_Org] = []
        self.employers: dict[str, list[str]] = self._employer_pool()

    # Organisations ---------------------------------------------------------------------------

    def company_name(self, industry: Industry) -> str:
        rng = self.rng
        if industry.name == "Public sector":
            city = self.china_current.pick(rng)[0]
            return rng.choice(
                (
                    f"{city} Municipal Development and Reform Commission",
                    f"{city} Municipal Bureau of Education",
                    f"{city} Bureau of Human Resources and Social Security",
                    f"{city} Municipal Bureau of Commerce",
                    f"{city} Ecology and Environment Bureau",
                )
            )
        if rng.random() < 0.7:
            city = rng.choice(
                ("上海", "北京", "深圳", "杭州", "成都", "苏州", "南京", "广州", "武汉", "")
            )
            prefix = rng.choice(self.names.company_prefixes)
            if industry.name == "Law":
                return f"{city}{prefix}律师事务所"
            return f"{city}{prefix}{industry.zh_word}有限公司"
        surname = rng.choice(self.names.en_company_names)
        if industry.name == "Law":
            return f"{surname} & Partners" + rng.choice(("", " LLP"))
        suffix = rng.choice(("", " Inc.", " Ltd.", " Group", " Co."))
        return f"{surname} {rng.choice(industry.en_words)}{suffix}"

    def _employer_pool(self) -> dict[str, list[str]]:
        """Employers other than the seeded organisations, per industry."""
        pool: dict[str, list[str]] = {}
        for industry in INDUSTRIES.values():
            names = [self.company_name(industry) for _ in range(40)]
            if industry.name == "Healthcare":
                names += [f"{c[0]} People's Hospital" for c in CHINA_CITIES[:20]]
            if industry.name == "Education":
                names += [f"{c[0]} No. {n} High School" for c in CHINA_CITIES[:15] for n in (1, 2)]
                names.append(UNIVERSITY_NAME)
            pool[industry.name] = names
        return pool

    def organization_specs(self, count: int) -> list[tuple[str, str, str, str]]:
        """(name, kind, industry, city) for `count` organisations: most are alumni enterprises."""
        rng = self.rng
        unit_names = [name for name, _post in SERVICE_UNITS] + [s.name for s in SCHOOLS]
        units = min(len(unit_names), max(1, round(count * 0.2))) if count >= 3 else 0
        partners = max(1, round(count * 0.15)) if count >= 2 else 0
        enterprises = count - units - partners
        specs: list[tuple[str, str, str, str]] = []
        seen: set[str] = set()

        def add(name: str, kind: str, industry: str, city: str) -> None:
            base, n = name, 2
            while name in seen:
                name, n = f"{base} ({n})", n + 1
            seen.add(name)
            specs.append((name, kind, industry, city))

        industries = [i for i in INDUSTRIES.values() if i.name != "Public sector"]
        for _ in range(enterprises):
            industry = rng.choice(industries)
            add(
                self.company_name(industry),
                Organization.Kind.ALUMNI_ENTERPRISE,
                industry.name,
                self.china_current.pick(rng)[0],
            )
        for i in range(partners):
            city = self.china_current.pick(rng)[0]
            if i % 3 == 2:
                name = rng.choice(
                    (
                        f"{city} Hi-Tech Industrial Park",
                        f"{city} Talent Service Center",
                        f"{city} People's Hospital",
                        f"{city} Science and Technology Museum",
                    )
                )
                add(name, Organization.Kind.PARTNER, "Public sector", city)
            else:
                industry = rng.choice(industries)
                add(self.company_name(industry), Organization.Kind.PARTNER, industry.name, city)
        for name in unit_names[:units]:
            add(name, Organization.Kind.SCHOOL_UNIT, "Education", UNIVERSITY_CITY)
        return specs

    def use_organizations(self, orgs: list[_Org]) -> None:
        self.enterprises = [o for o in orgs if o.kind == Organization.Kind.ALUMNI_ENTERPRISE]
        self.partners = [o for o in orgs if o.kind == Organization.Kind.PARTNER]
        self.school_units = [o for o in orgs if o.kind == Organization.Kind.SCHOOL_UNIT]
        service_posts = dict(SERVICE_UNITS)
        school_names = {s.name for s in SCHOOLS}
        for unit in self.school_units:
            if unit.name in service_posts:
                self.unit_by_post.setdefault(str(service_posts[unit.name]), []).append(unit)
            elif unit.name in school_names:
                self.unit_by_school[unit.name] = unit
                self.unit_by_post.setdefault(str(Post.TEACHING), []).append(unit)
        # Each alumni enterprise was founded by an alumnus, who represents it.
        self.founders_needed = list(self.enterprises)

    # Chapters --------------------------------------------------------------------------------

    @staticmethod
    def chapter_specs(count: int) -> list[tuple[str, str, str, str, str, str, tuple[str, ...]]]:
        """(name, kind, country, province, city, description, member cities) per chapter."""
        affinity = min(len(AFFINITY_CHAPTERS), max(1, round(count / 4))) if count >= 2 else 0
        regional = count - affinity
        specs: list[tuple[str, str, str, str, str, str, tuple[str, ...]]] = []
        for city, cities, province, country in REGIONAL_CHAPTERS[:regional]:
            specs.append(
                (
                    f"{city} Alumni Chapter",
                    Chapter.Kind.REGIONAL,
                    country,
                    province,
                    city,
                    f"Alumni living and working in and around {city}.",
                    cities,
                )
            )
        for name, description in AFFINITY_CHAPTERS[:affinity]:
            specs.append((name, Chapter.Kind.AFFINITY, "", "", "", description, ()))
        return specs

    def use_chapters(self, slots: list[_ChapterSlot]) -> None:
        self.chapters = slots
        for slot in slots:
            for city in slot.cities:
                self.chapters_by_city.setdefault(city, []).append(slot)

    # People ----------------------------------------------------------------------------------

    def _name(self, international: bool, gender: str) -> dict[str, str]:
        rng, names = self.rng, self.names
        pool_gender = (
            gender
            if gender in (Gender.FEMALE, Gender.MALE)
            else rng.choice((str(Gender.FEMALE), str(Gender.MALE)))
        )
        if international:
            given = rng.choice(names.en_given[pool_gender])
            family = rng.choice(names.en_family)
            return {
                "full_name": f"{given} {family}",
                "family_name": family,
                "given_name": given,
                "name_latin": "",
            }
        family = rng.choice(names.zh_family)
        given = rng.choice(names.zh_given[pool_gender])
        return {
            "full_name": family + given,
            "family_name": family,
            "given_name": given,
            "name_latin": f"{names.pinyin(family, surname=True)} {names.pinyin(given)}",
        }

    def _places(self, international: bool, abroad_share: float) -> dict[str, str]:
        rng = self.rng
        home = (self.abroad_home if international else self.china_home).pick(rng)
        if rng.random() < abroad_share:
            current = self.abroad_current.pick(rng)
        else:
            current = self.china_current.pick(rng)
        return {
            "hometown_city": home[0],
            "hometown_province": home[1],
            "hometown_country": home[2],
            "current_city": current[0],
            "current_province": current[1],
            "current_country": current[2],
        }

    def _contact(self, name: dict[str, str], international: bool) -> dict[str, str]:
        rng = self.rng
        latin = (name["name_latin"] or name["full_name"]).lower()
        handle = "".join(ch for ch in latin.replace(" ", ".") if ch.isalnum() or ch == ".")
        contact = {
            "email": f"{handle}{rng.randint(1, 9999)}@{rng.choice(EMAIL_DOMAINS)}",
            "phone": (
                f"+1 555 01{rng.randint(0, 99):02d}"
                if international
                else f"+86 1{rng.choice('3578')}{rng.randint(0, 9)} {rng.randint(0, 9999):04d} "
                f"{rng.randint(0, 9999):04d}"
            ),
            "wechat": "",
        }
        if not international and rng.random() < 0.6:
            contact["wechat"] = f"{handle.replace('.', '_')}_{rng.randint(10, 9999)}"
        return contact

    def _privacy(self) -> dict[str, str]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            return {}
        keys = list(PRIVATE_FIELDS)
        if roll < 0.9:  # stricter than the defaults on a field or two
            return {
                key: rng.choice((Audience.ONLY_ME, Audience.ALUMNI_OFFICE)).value
                for key in rng.sample(keys, rng.randint(1, 3))
            }
        # More open: happy to be found by classmates and students.
        return {
            key: rng.choice((Audience.MEMBERS, Audience.SIGNED_IN)).value
            for key in rng.sample(keys, rng.randint(1, 4))
        }

    def _gender(self) -> str:
        roll = self.rng.random()
        if roll < 0.03:
            return str(Gender.UNDISCLOSED)
        return str(Gender.FEMALE) if roll < 0.515 else str(Gender.MALE)

    def _student_number(self, entry_year: int, level: str) -> str:
        self.student_number_seq += 1
        return f"{entry_year}{DEGREE_CODE[level]}{self.student_number_seq:07d}"

    def _school_for(self, level: str) -> School:
        if level in (DegreeLevel.CONTINUING, DegreeLevel.ASSOCIATE):
            return CONTINUING_SCHOOL
        if level == DegreeLevel.EXCHANGE and self.rng.random() < 0.5:
            return INTERNATIONAL_SCHOOL
        return self.school.pick(self.rng)

    def _birth(self, entry_year: int, level: str) -> dt.date:
        rng = self.rng
        age = AGE_AT_ENTRY[level] + rng.randint(-1, 2)
        if level == DegreeLevel.CONTINUING:
            age += rng.randint(0, 12)
        return dt.date(entry_year - age, rng.randint(1, 12), rng.randint(1, 28))

    def _interests(self, school: School, employed_in: str | None) -> tuple[str, str]:
        rng = self.rng
        pool = list(INDUSTRIES[employed_in or school.industries[0]].expertise)
        pool += [m for m in school.majors if rng.random() < 0.3]
        expertise = ", ".join(rng.sample(pool, min(len(pool), rng.randint(1, 3))))
        interests = ", ".join(rng.sample(INTERESTS, rng.randint(1, 4)))
        return expertise, interests

    def _jobs(self, pending: _PendingPerson, school: School, graduation_year: int) -> str | None:
        """One to three jobs since graduation, the last one current; returns its industry."""
        rng = self.rng
        years_out = self.today.year - graduation_year
        first = min(graduation_year + rng.choice((0, 0, 0, 1)), self.today.year)
        later = range(first + 1, self.today.year + 1)
        count = min(1 if years_out < 3 else rng.choice((1, 2, 2, 3, 3)), 1 + len(later))
        starts = [first, *sorted(rng.sample(later, count - 1))]
        industry_name = rng.choice(school.industries)
        for n, start in enumerate(starts):
            current = n == count - 1
            if rng.random() < 0.25:  # a change of industry
                industry_name = rng.choice(school.industries)
            org: _Org | None = None
            founder = False
            if current and self.founders_needed and years_out >= 5:
                org = self.founders_needed.pop()
                founder = True
                pending.represents.append(org.id)
            elif self.enterprises and rng.random() < (0.35 if current else 0.2):
                org = rng.choice(self.enterprises)
            elif self.partners and rng.random() < 0.06:
                org = rng.choice(self.partners)
            if org is not None and org.industry in INDUSTRIES:
                industry_name = org.industry
            industry = INDUSTRIES[industry_name]
            senior = self.today.year - start > 12 or (current and years_out > 15)
            title = rng.choice(industry.senior_titles if senior else industry.junior_titles)
            if founder:
                title = "Founding Partner" if industry.name == "Law" else "Founder and CEO"
            pending.employments.append(
                dict(
                    organization_id=org.id if org else None,
                    organization_name=org.name
                    if org
                    else rng.choice(self.employers[industry_name]),
                    title=title,
                    industry=industry_name,
                    start_year=start,
                    end_year=None if current else starts[n + 1],
                    is_current=current,
                )
            )
        return industry_name

    def _join_chapters(
        self,
        pending: _PendingPerson,
        *,
        school: School,
        graduation_year: int,
        industry: str | None,
        founder: bool,
    ) -> None:
        rng = self.rng
        person = pending.person
        candidates: list[tuple[_ChapterSlot, float]] = [
            (slot, 0.35) for slot in self.chapters_by_city.get(person["current_city"], ())
        ]
        for slot in self.chapters:
            if slot.kind != Chapter.Kind.AFFINITY:
                continue
            chance = {
                "Entrepreneurs Club": 0.9 if founder else (0.05 if industry == "Finance" else 0.02),
                "Women in Engineering": 0.3
                if (school.engineering and person["gender"] == Gender.FEMALE)
                else 0,
                "Finance and Investment Circle": 0.25 if industry == "Finance" else 0,
                "Medical Alumni Association": 0.4 if school.medicine else 0,
                "Young Alumni Network": 0.15 if self.today.year - graduation_year <= 10 else 0,
                "Arts and Media Guild": 0.25 if industry == "Media" else 0,
            }.get(slot.key, 0)
            if chance:
                candidates.append((slot, chance))
        for slot, chance in candidates:
            if rng.random() >= chance:
                continue
            officer = slot.officers == 0 or (
                slot.officers < 3 and self.today.year - graduation_year >= 5 and rng.random() < 0.05
            )
            slot.officers += officer
            since = dt.date(max(graduation_year, self.today.year - 15), 7, 1)
            span = (self.today - since).days
            pending.memberships.append(
                dict(
                    chapter_id=slot.chapter_id,
                    role=ChapterMembership.Role.OFFICER
                    if officer
                    else ChapterMembership.Role.MEMBER,
                    joined_on=since + dt.timedelta(days=rng.randint(0, span))
                    if span > 0
                    else self.today,
                )
            )

    def _consents(self, pending: _PendingPerson, purposes: Sequence[str], share: float) -> None:
        rng = self.rng
        if rng.random() >= share:
            return
        for purpose in rng.sample(list(purposes), rng.randint(1, len(purposes))):
            days_ago = rng.randint(1, 3 * 365)
            pending.consents.append(
                dict(
                    purpose=purpose,
                    granted=rng.random() < 0.85,
                    recorded_at=_aware(
                        self.today - dt.timedelta(days=days_ago),
                        rng.randint(8, 22),
                        rng.randint(0, 59),
                    ),
                    source="registration",
                )
            )

    def alumnus(self, index: int) -> _PendingPerson:
        rng = self.rng
        # The first people of a run cover every graduation year and degree level.
        if index < GRADUATION_YEARS:
            graduation_year = self.last_graduation_year - index
        else:
            graduation_year = self.graduation_year.pick(rng)
        level = DEGREE_MIX[index][0] if index < len(DEGREE_MIX) else self.alumni_level.pick(rng)
        level = str(level)
        international = rng.random() < (0.8 if level == DegreeLevel.EXCHANGE else 0.04)
        gender = self._gender()
        name = self._name(international, gender)
        school = self._school_for(level)
        years = DEGREE_YEARS[level] + (
            1 if school.medicine and level == DegreeLevel.BACHELOR else 0
        )
        entry_year = graduation_year - years
        person = dict(
            stage=Stage.ALUMNUS,
            gender=gender,
            date_of_birth=self._birth(entry_year, level),
            privacy=self._privacy(),
            **name,
            **self._contact(name, international),
            **self._places(international, 0.5 if international else 0.07),
        )
        pending = _PendingPerson(person)
        # Some took a bachelor's here before their graduate degree.
        first_grad = entry_year - rng.choice((0, 0, 1, 2))
        if (
            level in (DegreeLevel.MASTER, DegreeLevel.DOCTORATE)
            and rng.random() < 0.3
            and first_grad >= self.first_graduation_year
        ):
            pending.educations.append(
                dict(
                    degree_level=DegreeLevel.BACHELOR,
                    school=school.name,
                    major=rng.choice(school.majors),
                    entry_year=first_grad - 4,
                    graduation_year=first_grad,
                    student_number=self._student_number(first_grad - 4, DegreeLevel.BACHELOR),
                )
            )
        pending.educations.append(
            dict(
                degree_level=level,
                school=school.name,
                major=rng.choice(school.majors),
                entry_year=entry_year,
                graduation_year=graduation_year,
                student_number=self._student_number(entry_year, level),
            )
        )
        industry: str | None = None
        # A few records have no known employment: offices never know everything.
        if rng.random() < 0.94:
            industry = self._jobs(pending, school, graduation_year)
        founder = bool(pending.represents)
        current_job = pending.employments[-1] if pending.employments else None
        if current_job is not None and rng.random() < 0.7:
            person["headline"] = f"{current_job['title']} at {current_job['organization_name']}"
        person["expertise"], person["interests"] = self._interests(school, industry)
        self._join_chapters(
            pending,
            school=school,
            graduation_year=graduation_year,
            industry=industry,
            founder=founder,
        )
        self._consents(pending, ALL_PURPOSES, 0.4)
        return pending

    def student(self, index: int) -> _PendingPerson:
        rng = self.rng
        level = DEGREE_MIX[index][0] if index < len(DEGREE_MIX) else self.student_level.pick(rng)
        level = str(level)
        international = rng.random() < (0.85 if level == DegreeLevel.EXCHANGE else 0.05)
        gender = self._gender()
        name = self._name(international, gender)
        school = self._school_for(level)
        years = DEGREE_YEARS[level] + (
            1 if school.medicine and level == DegreeLevel.BACHELOR else 0
        )
        # One in ten has been admitted for next year; the rest are spread over the years of study,
        # so about one in `years` is in the final year.
        prospective = index % 10 == 9
        if prospective:
            entry_year = self.academic_year + 1
        else:
            entry_year = self.academic_year - rng.randrange(years)
        expected = entry_year + years
        # Some graduate students finish in the winter, and some take an extra term: they are
        # still students in the calendar year of their graduation (the ledger's "leaving").
        if (
            not prospective
            and level in (DegreeLevel.MASTER, DegreeLevel.DOCTORATE)
            and rng.random() < 0.15
        ):
            expected = self.today.year
            entry_year = min(entry_year, expected - 1)
        person = dict(
            stage=Stage.PROSPECTIVE if prospective else Stage.STUDENT,
            gender=gender,
            date_of_birth=self._birth(entry_year, level),
            privacy=self._privacy(),
            **name,
            **self._contact(name, international),
            **self._places(international, 0.0),
        )
        if prospective:  # still at home
            person["current_city"], person["current_province"], person["current_country"] = (
                person["hometown_city"],
                person["hometown_province"],
                person["hometown_country"],
            )
        else:  # students live on campus
            person.update(CAMPUS)
        pending = _PendingPerson(person)
        pending.educations.append(
            dict(
                degree_level=level,
                school=school.name,
                major=rng.choice(school.majors),
                entry_year=entry_year,
                expected_graduation_year=expected,
                student_number=None if prospective else self._student_number(entry_year, level),
            )
        )
        person["expertise"], person["interests"] = self._interests(school, None)
        if rng.random() < 0.5:
            person["expertise"] = ""
        self._consents(
            pending,
            (ConsentPurpose.NEWSLETTER, ConsentPurpose.EVENTS, ConsentPurpose.MENTORING),
            0.3,
        )
        return pending

    def staff_member(self, index: int) -> _PendingPerson:
        rng = self.rng
        post = str(POST_MIX[index][0]) if index < len(POST_MIX) else str(self.post.pick(rng))
        international = rng.random() < 0.08
        gender = self._gender()
        name = self._name(international, gender)
        person = dict(
            stage=Stage.NONE,
            gender=gender,
            date_of_birth=dt.date(
                self.today.year - rng.randint(26, 62), rng.randint(1, 12), rng.randint(1, 28)
            ),
            privacy=self._privacy(),
            **name,
            **self._contact(name, international),
            **self._places(international, 0.0),
        )
        person.update(CAMPUS)
        pending = _PendingPerson(person)
        school = self.school.pick(rng)
        units = self.unit_by_post.get(post, [])
        unit = self.unit_by_school.get(school.name) if post == Post.TEACHING else None
        if unit is None and units and post != Post.TEACHING:
            unit = rng.choice(units)
        title = rng.choice(self.post_titles[post])
        pending.posts.append(dict(post=post, unit_id=unit.id if unit else None, title=title))
        # Some teachers also hold an administrative post (vice dean, class adviser).
        if post == Post.TEACHING and rng.random() < 0.1:
            pending.posts.append(dict(post=Post.ADMINISTRATIVE, title="Class Adviser"))
        start = self.today.year - rng.randint(1, 30)
        pending.employments.append(
            dict(
                organization_id=unit.id if unit else None,
                organization_name=unit.name if unit else UNIVERSITY_NAME,
                title=title,
                industry="Education",
                start_year=start,
                is_current=True,
            )
        )
        if post == Post.TEACHING:
            person["headline"] = f"{title}, {school.name}"
        person["expertise"], person["interests"] = self._interests(
            school, "Education" if post != Post.TEACHING else None
        )
        return pending

    def representative(self, org: _Org) -> _PendingPerson:
        rng = self.rng
        international = rng.random() < 0.2
        gender = self._gender()
        name = self._name(international, gender)
        person = dict(
            stage=Stage.NONE,
            gender=gender,
            privacy=self._privacy(),
            **name,
            **self._contact(name, international),
            **self._places(international, 0.0),
        )
        industry = INDUSTRIES.get(org.industry, INDUSTRIES["Consulting"])
        title = rng.choice(
            (
                "Head of Campus Recruiting",
                "HR Director",
                "University Relations Manager",
                "Partnership Manager",
            )
        )
        person["headline"] = f"{title} at {org.name}"
        person["expertise"] = ", ".join(industry.expertise[:2])
        pending = _PendingPerson(person, represents=[org.id])
        pending.employments.append(
            dict(
                organization_id=org.id,
                organization_name=org.name,
                title=title,
                industry=org.industry,
                start_year=self.today.year - rng.randint(1, 12),
                is_current=True,
            )
        )
        return pending

    # Activities ------------------------------------------------------------------------------

    def service_rows(
        self, *, staff: list[tuple[int, str]], students: _StudentIndex, per_staff: int
    ) -> Iterator[dict[str, Any]]:
        """A year of services logged by staff: dates over the past 365 days, in working hours."""
        rng = self.rng
        if not students.total:
            return
        term_start = dt.date(self.academic_year, 9, 1)
        for staff_id, post in staff:
            count = max(0, round(rng.gauss(per_staff, per_staff * 0.3)))
            life, study, _work = ASPECT_MIX[post]
            for _ in range(count):
                day = self.today - dt.timedelta(days=rng.randint(1, 365))
                # First-year students arrived in September: nobody served them here before.
                student_id = students.pick(rng, include_freshers=day >= term_start)
                if student_id is None:
                    continue
                roll = rng.random()
                aspect = (
                    ASPECTS[0] if roll < life else ASPECTS[1] if roll < life + study else ASPECTS[2]
                )
                notes = NOTES[(post, aspect)]
                occurred_at = _aware(day, rng.randint(8, 19), rng.randint(0, 59))
                row: dict[str, Any] = {
                    "kind": "staff.service",
                    "actor_id": staff_id,
                    "beneficiary_id": student_id,
                    "aspect": aspect,
                    "note": rng.choice(notes),
                    "occurred_at": occurred_at,
                }
                if rng.random() < 0.4:
                    row["rating"] = self.rating.pick(rng)
                    row["rated_at"] = min(
                        occurred_at + dt.timedelta(hours=rng.randint(2, 72)),
                        _aware(self.today, 0, 0),
                    )
                yield row


class _StudentIndex:
    """Compact lists of student ids (8 bytes each), so a million students fit in little memory."""

    def __init__(self) -> None:
        self.settled = array("q")  # in school since before this academic year
        self.freshers = array("q")  # arrived this September
        self.prospective = array("q")

    @property
    def total(self) -> int:
        return len(self.settled) + len(self.freshers) + len(self.prospective)

    def add(self, person_id: int, stage: str, entry_year: int, academic_year: int) -> None:
        if stage == Stage.PROSPECTIVE:
            self.prospective.append(person_id)
        elif entry_year >= academic_year:
            self.freshers.append(person_id)
        else:
            self.settled.append(person_id)

    def pick(self, rng: random.Random, *, include_freshers: bool) -> int | None:
        pools = [self.settled, self.prospective] + ([self.freshers] if include_freshers else [])
        size = sum(len(p) for p in pools)
        if not size:
            return None
        n = rng.randrange(size)
        for pool in pools:
            if n < len(pool):
                return pool[n]
            n -= len(pool)
        return None  # pragma: no cover


# --- Writing ---------------------------------------------------------------------------------


class _Table:
    """Inserts plain rows into one model's table, fast: multi-row INSERTs, or COPY on PostgreSQL.

    The seed writes millions of rows; building a model instance per row and letting the ORM
    prepare every value costs more than the database's own work, so rows stay dicts and only
    values that need it (dates, times, JSON) go through the field's own conversion. Missing
    values take the field's default, as the ORM would.
    """

    CONVERTED = frozenset({"DateField", "DateTimeField", "JSONField", "DecimalField", "UUIDField"})

    def __init__(self, model: type[Any]) -> None:
        self.connection = connections[router.db_for_write(model)]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.fields = fields
        self.names = [f.attname for f in fields]
        quote = self.connection.ops.quote_name
        self.table = model._meta.db_table
        self.pk_column = model._meta.pk.column
        columns = ", ".join(quote(f.column) for f in fields)
        # Only quoted names from the model's own metadata go into the SQL; values are parameters.
        self.head = f"INSERT INTO {quote(self.table)} ({columns}) VALUES "  # noqa: S608
        self.row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        self.returning = f" RETURNING {quote(self.pk_column)}"
        self.per_statement = max(1, min(1000, _max_params(self.connection) // len(fields)))

    def _columns(self) -> list[tuple[str, Any, Callable[[Any], Any] | None]]:
        """(attname, default as the database takes it, conversion or None) per column."""
        now = timezone.now()
        columns: list[tuple[str, Any, Callable[[Any], Any] | None]] = []
        for f in self.fields:
            default = (
                now
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default()
            )
            conv = None
            if f.get_internal_type() in self.CONVERTED:
                conv = functools.partial(f.get_db_prep_save, connection=self.connection)
            # Defaults are the same for every row: convert them once.
            columns.append((f.attname, conv(default) if conv is not None else default, conv))
        return columns

    def _values(self, rows: list[Row]) -> Iterator[list[Any]]:
        columns = self._columns()
        for row in rows:
            values = []
            for name, default, conv in columns:
                if name not in row:
                    values.append(default)
                elif conv is None:
                    values.append(row[name])
                else:
                    values.append(conv(row[name]))
            yield values

    def insert(self, rows: list[Row], *, returning: bool = False) -> list[int]:
        """Insert the rows; with `returning`, their new ids in the order of the rows."""
        if not rows:
            return []
        if self.connection.vendor == "postgresql":
            return self._copy(rows, returning)
        ids: list[int] = []
        values = self._values(rows)
        with self.connection.cursor() as cursor:
            while batch := list(itertools.islice(values, self.per_statement)):
                params = [value for row in batch for value in row]
                sql = self.head + ", ".join([self.row_sql] * len(batch))
                if returning:
                    cursor.execute(sql + self.returning, params)
                    # Ids come from one sequence in insertion order; sorting them does not rely
                    # on the order in which the database happens to return them.
                    ids.extend(sorted(r[0] for r in cursor.fetchall()))
                else:
                    cursor.execute(sql, params)
        return ids

    def _copy(self, rows: list[Row], returning: bool) -> list[int]:
        """PostgreSQL: COPY, the fastest way in, with ids drawn from the table's sequence."""
        values: list[list[Any]] = list(self._values(rows))
        columns = [f.column for f in self.fields]
        ids: list[int] = []
        if returning:
            ids = sequence_ids(self.table, self.pk_column, len(rows), using=self.connection)
            values = [[pk, *row] for pk, row in zip(ids, values, strict=True)]
            columns = [self.pk_column, *columns]
        insert_rows(self.table, columns, values, using=self.connection)
        return ids


def _max_params(connection: Any) -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:  # the compiled-in limit (32766 since SQLite 3.32), not Django's cautious 999
            return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        except AttributeError:  # Python < 3.11
            return 999
    return 65535 if connection.vendor == "postgresql" else 999


class _Writer:
    def __init__(self) -> None:
        self.people = _Table(Person)
        self.tables = {
            "educations": _Table(Education),
            "employments": _Table(Employment),
            "memberships": _Table(ChapterMembership),
            "consents": _Table(Consent),
            "posts": _Table(StaffPost),
        }
        self.representatives = _Table(Organization.representatives.through)

    def insert(self, pending: list[_PendingPerson], result: SeedResult) -> None:
        """A chunk of people and what hangs off them: a few multi-row INSERTs, no per-row queries."""
        ids = self.people.insert([p.person for p in pending], returning=True)
        for p, person_id in zip(pending, ids, strict=True):
            p.id = person_id
        for attribute, table in self.tables.items():
            rows = []
            for p in pending:
                for row in getattr(p, attribute):
                    row["person_id"] = p.id
                    rows.append(row)
            if rows:
                table.insert(rows)
            setattr(result, attribute, getattr(result, attribute) + len(rows))
        links = [{"organization_id": o, "person_id": p.id} for p in pending for o in p.represents]
        if links:
            self.representatives.insert(links)


def _ensure_organizations(gen: UniversityGenerator, count: int, result: SeedResult) -> None:
    specs = gen.organization_specs(count)
    existing = {o.name: o for o in Organization.objects.filter(name__in=[s[0] for s in specs])}
    new = [
        Organization(
            name=name, kind=kind, industry=industry, city=city, description=ORG_DESCRIPTIONS[kind]
        )
        for name, kind, industry, city in specs
        if name not in existing
    ]
    Organization.objects.bulk_create(new, batch_size=BATCH_SIZE)
    by_name = {**existing, **{o.name: o for o in new}}
    result.organizations = len(specs)
    result.organizations_reused = len(existing)
    gen.use_organizations(
        [_Org(by_name[s[0]].pk, s[0], by_name[s[0]].kind, by_name[s[0]].industry) for s in specs]
    )


def _ensure_chapters(gen: UniversityGenerator, count: int, result: SeedResult) -> None:
    specs = gen.chapter_specs(count)
    existing = {c.name: c for c in Chapter.objects.filter(name__in=[s[0] for s in specs])}
    new = [
        Chapter(
            name=name,
            kind=kind,
            country=country,
            province=province,
            city=city,
            description=description,
        )
        for name, kind, country, province, city, description, _cities in specs
        if name not in existing
    ]
    Chapter.objects.bulk_create(new)
    by_name = {**existing, **{c.name: c for c in new}}
    with_officers = set(
        ChapterMembership.objects.filter(
            chapter_id__in=[c.pk for c in existing.values()], role=ChapterMembership.Role.OFFICER
        ).values_list("chapter_id", flat=True)
    )
    result.chapters = len(specs)
    result.chapters_reused = len(existing)
    gen.use_chapters(
        [
            _ChapterSlot(
                chapter_id=by_name[name].pk,
                kind=kind,
                cities=frozenset(cities),
                key=name,
                officers=1 if by_name[name].pk in with_officers else 0,
            )
            for name, kind, _c, _p, _city, _d, cities in specs
        ]
    )


def seed_university(
    *,
    size: SeedSize,
    seed: int = 1,
    today: dt.date | None = None,
    chunk_size: int = 5000,
    progress: Progress | None = None,
) -> SeedResult:
    """Create a synthetic university of the given size; the same seed gives the same people.

    Organisations and chapters with the generated names are reused if they exist, so seeding
    twice adds people to the same organisations. Each chunk of people commits on its own.
    """
    from alma.activity.services import activity_record_bulk

    started = time.perf_counter()
    today = today or timezone.localdate()
    say = progress or (lambda message: None)
    result = SeedResult()
    base = Education.objects.aggregate(n=Max("id"))["n"] or 0
    gen = UniversityGenerator(seed=seed, today=today, student_number_base=base)
    writer = _Writer()

    def report(label: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        rate = result.people / elapsed if elapsed else 0
        say(f"  {label}: {done:,}/{total:,} · {result.people:,} people · {rate:,.0f} people/s")

    with transaction.atomic():
        _ensure_organizations(gen, size.organizations, result)
        _ensure_chapters(gen, size.chapters, result)
        reps = [gen.representative(org) for org in gen.partners]
        writer.insert(reps, result)
        result.representatives = len(reps)
    say(f"  {result.organizations} organisations, {result.chapters} chapters")

    staff: list[tuple[int, str]] = []
    for start, n in _batch_bounds(size.staff, chunk_size):
        with transaction.atomic():
            pending = [gen.staff_member(start + i) for i in range(n)]
            writer.insert(pending, result)
        for p in pending:
            held = {post["post"] for post in p.posts}
            # The career office serves as administrative staff (activity.services).
            first = next((str(x) for x in POST_PRIORITY if x in held), str(Post.ADMINISTRATIVE))
            staff.append((p.id, first))
        result.staff += n
    report("staff", result.staff, size.staff)

    for start, n in _batch_bounds(size.alumni, chunk_size):
        with transaction.atomic():
            writer.insert([gen.alumnus(start + i) for i in range(n)], result)
        result.alumni += n
        report("alumni", result.alumni, size.alumni)

    students = _StudentIndex()
    for start, n in _batch_bounds(size.students, chunk_size):
        with transaction.atomic():
            pending = [gen.student(start + i) for i in range(n)]
            writer.insert(pending, result)
        for p in pending:
            students.add(p.id, p.person["stage"], p.educations[0]["entry_year"], gen.academic_year)
        result.students += n
        report("students", result.students, size.students)

    rows = gen.service_rows(staff=staff, students=students, per_staff=size.activities_per_staff)
    while batch := list(itertools.islice(rows, chunk_size)):
        result.activities += activity_record_bulk(rows=batch)
    say(f"  {result.activities:,} staff service activities")

    result.seconds = time.perf_counter() - started
    return result


# --- The demo university of `alma demo` ------------------------------------------------------

DEMO_SIZE = SeedSize(
    alumni=3000, students=1000, staff=60, organizations=40, chapters=8, activities_per_staff=40
)
DEMO_PASSWORD = "alma-demo-2026"  # noqa: S105 - printed on purpose: these are demo sign-ins
# A reserved domain (RFC 2606), so no demo mail can ever reach a real mailbox.
DEMO_DOMAIN = "demo.alma.example"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str  # what the account shows off, as printed in the sign-in table


DEMO_ACCOUNTS = [
    DemoAccount(f"office@{DEMO_DOMAIN}", "alumni office (staff, opens the admin)"),
    DemoAccount(f"teacher@{DEMO_DOMAIN}", "teaching staff"),
    DemoAccount(f"advisor@{DEMO_DOMAIN}", "administrative staff"),
    DemoAccount(f"logistics@{DEMO_DOMAIN}", "logistics staff"),
    DemoAccount(f"student@{DEMO_DOMAIN}", "student"),
    DemoAccount(f"prospective@{DEMO_DOMAIN}", "prospective student"),
    DemoAccount(f"alumnus@{DEMO_DOMAIN}", "alumnus"),
    DemoAccount(f"officer@{DEMO_DOMAIN}", "alumna and chapter officer"),
    DemoAccount(f"partner@{DEMO_DOMAIN}", "partner representative"),
]


def demo_size(scale: float = 1.0) -> SeedSize:
    """The demo's size; a smaller scale (for tests) keeps every graduation year and post."""
    return SeedSize(
        alumni=max(GRADUATION_YEARS, round(DEMO_SIZE.alumni * scale)),
        students=max(20, round(DEMO_SIZE.students * scale)),
        staff=max(len(POST_MIX), round(DEMO_SIZE.staff * scale)),
        organizations=DEMO_SIZE.organizations,
        chapters=DEMO_SIZE.chapters,
        activities_per_staff=DEMO_SIZE.activities_per_staff,
    )


def demo_is_loaded() -> bool:
    from alma.accounts.models import User

    return User.objects.filter(email=DEMO_ACCOUNTS[0].email).exists()


TITLE = "Loading the people of the demo university…"


def build(run: DemoRun) -> None:
    """The demo university's people and their sign-ins, all or nothing; once."""
    if demo_is_loaded():
        return
    size = demo_size(run.scale)
    run.say(
        f"  seed {run.seed}: {size.alumni:,} alumni, {size.students:,} students, "
        f"{size.staff} staff, {size.organizations} organisations, {size.chapters} chapters"
    )
    with transaction.atomic():
        seed_university(size=size, seed=run.seed, progress=run.say)
        _demo_accounts()
        _demo_photos(seed=run.seed, scale=run.scale)


# A share of the alumni have a profile photo: drawn here (a head and shoulders on a coloured
# ground, no download), at most DEMO_PHOTOS of them so the demo stays quick to load.
DEMO_PHOTOS = 100
DEMO_PHOTO_SHARE = 0.3


def demo_photo(rng: random.Random) -> Any:
    """A 400 px portrait-like picture, different for each draw of `rng`."""
    from PIL import Image, ImageDraw

    side = 400

    def colour(low: int, high: int) -> tuple[int, int, int]:
        return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))

    image = Image.new("RGB", (side, side), colour(120, 230))
    draw = ImageDraw.Draw(image)
    skin = rng.choice([(241, 204, 176), (224, 172, 135), (198, 140, 100), (141, 85, 60)])
    hair = rng.choice([(30, 24, 20), (70, 45, 30), (120, 90, 60), (160, 160, 160)])
    cx = side // 2 + rng.randint(-20, 20)
    head = rng.randint(70, 90)
    draw.ellipse((cx - 150, 270, cx + 150, 520), fill=colour(20, 110))  # shoulders
    draw.rectangle((cx - 30, 220, cx + 30, 290), fill=skin)  # neck
    draw.ellipse((cx - head - 6, 70, cx + head + 6, 80 + 2 * head), fill=hair)  # hair behind
    draw.ellipse((cx - head, 80, cx + head, 80 + 2 * head), fill=skin)  # face
    draw.chord((cx - head - 4, 66, cx + head + 4, 66 + 7 * head // 5), 180, 360, fill=hair)
    return image


def _demo_photos(*, seed: int, scale: float) -> None:
    """Photos for a share of the alumni (and the demo's alumnus and officer sign-ins)."""
    from alma.people import photos

    rng = random.Random(seed * 31 + 7)
    wanted = max(5, round(DEMO_PHOTOS * min(scale, 1.0)))
    alumni = Person.objects.filter(stage=Stage.ALUMNUS).order_by("pk").only("pk")
    chosen = [
        p for p in alumni.filter(email__in=[f"alumnus@{DEMO_DOMAIN}", f"officer@{DEMO_DOMAIN}"])
    ]
    for person in alumni.iterator(chunk_size=2000):
        if len(chosen) >= wanted:
            break
        if rng.random() < DEMO_PHOTO_SHARE and person not in chosen:
            chosen.append(person)
    for person in chosen:
        image = demo_photo(rng)
        person.photo_version = photos.store_cropped(
            person.pk, image, photos.CropBox(0, 0, image.width)
        )
    Person.objects.bulk_update(chosen, ["photo_version"], batch_size=500)


def _demo_accounts() -> None:
    """One sign-in per role, each on a person whose record gives that role."""
    from django.contrib.auth.hashers import make_password

    from alma.accounts.models import User
    from alma.activity.services import activity_record_bulk

    today = timezone.localdate()
    academic_year = today.year if today.month >= 9 else today.year - 1
    org = {o.name: o for o in Organization.objects.filter(kind=Organization.Kind.SCHOOL_UNIT)}
    enterprise = Organization.objects.filter(kind=Organization.Kind.ALUMNI_ENTERPRISE).first()
    partner = Organization.objects.filter(kind=Organization.Kind.PARTNER).first()
    shanghai = Chapter.objects.filter(city="Shanghai").first()
    shenzhen = Chapter.objects.filter(city="Shenzhen").first()
    cs = SCHOOLS[0].name

    def person(email: str, **fields: Any) -> Person:
        fields.setdefault("current_city", "Shanghai")
        fields.setdefault("current_province", "Shanghai")
        fields.setdefault("current_country", "China")
        return Person.objects.create(email=email, **fields)

    def staff(email: str, post: str, unit: str, title: str, **fields: Any) -> Person:
        p = person(email, stage=Stage.NONE, headline=title, **fields)
        StaffPost.objects.create(person=p, post=post, unit=org.get(unit), title=title)
        Employment.objects.create(
            person=p,
            organization=org.get(unit),
            organization_name=unit if unit in org else UNIVERSITY_NAME,
            title=title,
            industry="Education",
            start_year=today.year - 8,
            is_current=True,
        )
        return p

    e = {a.email.split("@")[0]: a.email for a in DEMO_ACCOUNTS}
    office = staff(
        e["office"],
        Post.ALUMNI_OFFICE,
        "Alumni Affairs Office",
        "Director of Alumni Affairs",
        full_name="周敏",
        family_name="周",
        given_name="敏",
        name_latin="Zhou Min",
        gender=Gender.FEMALE,
    )
    teacher = staff(
        e["teacher"],
        Post.TEACHING,
        cs,
        "Associate Professor",
        full_name="陈建国",
        family_name="陈",
        given_name="建国",
        name_latin="Chen Jianguo",
        gender=Gender.MALE,
        expertise="Machine learning, Databases",
        interests="Go (weiqi), Running",
    )
    advisor = staff(
        e["advisor"],
        Post.ADMINISTRATIVE,
        "Office of International Cooperation and Exchange",
        "International Student Advisor",
        full_name="Sarah Mitchell",
        family_name="Mitchell",
        given_name="Sarah",
        gender=Gender.FEMALE,
        hometown_city="Boston",
        hometown_province="Massachusetts",
        hometown_country="United States",
    )
    logistics = staff(
        e["logistics"],
        Post.LOGISTICS,
        "Logistics Services Group",
        "Dormitory Manager",
        full_name="刘强",
        family_name="刘",
        given_name="强",
        name_latin="Liu Qiang",
        gender=Gender.MALE,
    )
    student = person(
        e["student"],
        stage=Stage.STUDENT,
        full_name="张思雨",
        family_name="张",
        given_name="思雨",
        name_latin="Zhang Siyu",
        gender=Gender.FEMALE,
        hometown_city="Chengdu",
        hometown_province="Sichuan",
        hometown_country="China",
        interests="Photography, Start-ups, Badminton",
        expertise="Python, Data analysis",
    )
    Education.objects.create(
        person=student,
        degree_level=DegreeLevel.BACHELOR,
        school=cs,
        major="Computer Science and Technology",
        entry_year=academic_year - 2,
        expected_graduation_year=academic_year + 2,
        student_number=f"D{academic_year - 2}0000001",
    )
    prospective = person(
        e["prospective"],
        stage=Stage.PROSPECTIVE,
        full_name="林晓",
        family_name="林",
        given_name="晓",
        name_latin="Lin Xiao",
        gender=Gender.MALE,
        current_city="Xiamen",
        current_province="Fujian",
        hometown_city="Xiamen",
        hometown_province="Fujian",
        hometown_country="China",
    )
    Education.objects.create(
        person=prospective,
        degree_level=DegreeLevel.BACHELOR,
        school="School of Economics",
        major="Finance",
        entry_year=academic_year + 1,
    )
    alumnus = person(
        e["alumnus"],
        stage=Stage.ALUMNUS,
        full_name="王磊",
        family_name="王",
        given_name="磊",
        name_latin="Wang Lei",
        gender=Gender.MALE,
        current_city="Shenzhen",
        current_province="Guangdong",
        hometown_city="Wuhan",
        hometown_province="Hubei",
        hometown_country="China",
        headline="Senior Software Engineer",
        expertise="Distributed systems, Cloud computing",
        interests="Mentoring, Hiking",
    )
    Education.objects.create(
        person=alumnus,
        degree_level=DegreeLevel.BACHELOR,
        school=cs,
        major="Software Engineering",
        entry_year=2011,
        graduation_year=2015,
        student_number="D20110000002",
    )
    Education.objects.create(
        person=alumnus,
        degree_level=DegreeLevel.MASTER,
        school=cs,
        major="Computer Science and Technology",
        entry_year=2015,
        graduation_year=2018,
        student_number="D20150000003",
    )
    Employment.objects.create(
        person=alumnus,
        organization_name="Pearl River Internet Co.",
        title="Software Engineer",
        industry="Internet",
        start_year=2018,
        end_year=2022,
    )
    Employment.objects.create(
        person=alumnus,
        organization=enterprise,
        organization_name=enterprise.name if enterprise else "Shenzhen Cloud Labs",
        title="Senior Software Engineer",
        industry=enterprise.industry if enterprise else "Internet",
        start_year=2022,
        is_current=True,
    )
    officer = person(
        e["officer"],
        stage=Stage.ALUMNUS,
        full_name="李娜",
        family_name="李",
        given_name="娜",
        name_latin="Li Na",
        gender=Gender.FEMALE,
        headline="Managing Director, asset management",
        expertise="Risk management, Venture capital",
        interests="Calligraphy, Mentoring",
    )
    Education.objects.create(
        person=officer,
        degree_level=DegreeLevel.BACHELOR,
        school="School of Economics",
        major="Finance",
        entry_year=2004,
        graduation_year=2008,
        student_number="D20040000004",
    )
    Employment.objects.create(
        person=officer,
        organization_name="Pudong Asset Management Ltd.",
        title="Managing Director",
        industry="Finance",
        start_year=2016,
        is_current=True,
    )
    partner_rep = person(
        e["partner"],
        stage=Stage.NONE,
        full_name="David Chen",
        family_name="Chen",
        given_name="David",
        gender=Gender.MALE,
        headline="Head of Campus Recruiting",
    )
    if partner is not None:
        partner.representatives.add(partner_rep)
        Employment.objects.create(
            person=partner_rep,
            organization=partner,
            organization_name=partner.name,
            title="Head of Campus Recruiting",
            industry=partner.industry,
            start_year=2019,
            is_current=True,
        )
    if shanghai is not None:
        ChapterMembership.objects.create(
            chapter=shanghai, person=officer, role=ChapterMembership.Role.OFFICER
        )
    if shenzhen is not None:
        ChapterMembership.objects.create(chapter=shenzhen, person=alumnus)
    for p in (student, alumnus, officer):
        Consent.objects.bulk_create(
            [
                Consent(person=p, purpose=purpose, granted=True, source="registration")
                for purpose in (
                    ConsentPurpose.NEWSLETTER,
                    ConsentPurpose.EVENTS,
                    ConsentPurpose.MENTORING,
                )
            ]
        )

    # The demo student has received services from every post; the prospective one from the office.
    def at(days_ago: int, hour: int) -> dt.datetime:
        return _aware(today - dt.timedelta(days=days_ago), hour, 30)

    services = [
        (teacher, student, "study", "Went through the course project proposal", 3, 5),
        (
            advisor,
            student,
            "study",
            "Advised on credit transfer for the exchange semester",
            12,
            None,
        ),
        (logistics, student, "life", "Fixed the hot-water problem in the dormitory", 20, 4),
        (office, student, "work", "Introduced to an alumnus mentor in the industry", 33, 5),
        (
            teacher,
            student,
            "work",
            "Wrote a recommendation letter for a summer internship",
            61,
            None,
        ),
        (
            office,
            prospective,
            "life",
            "Answered questions about campus life at the open day",
            45,
            None,
        ),
    ]
    activity_record_bulk(
        rows=[
            {
                "kind": "staff.service",
                "actor": actor,
                "beneficiary": beneficiary,
                "aspect": aspect,
                "note": note,
                "occurred_at": at(days, 10 + i),
                **({"rating": rating} if rating else {}),
            }
            for i, (actor, beneficiary, aspect, note, days, rating) in enumerate(services)
        ]
    )

    password = make_password(DEMO_PASSWORD)  # hashed once: the same password for every account
    people = [
        office,
        teacher,
        advisor,
        logistics,
        student,
        prospective,
        alumnus,
        officer,
        partner_rep,
    ]
    User.objects.bulk_create(
        [
            User(email=account.email, person=p, password=password)
            for account, p in zip(DEMO_ACCOUNTS, people, strict=True)
        ]
    )
