from alma.accounts.roles import Role, roles_of


def test_each_persona_holds_the_roles_its_record_implies(persona_users):
    expected = {
        "anonymous": set(),
        "alice": {Role.ALUMNI_OFFICE, Role.STAFF},
        "bob": {Role.STAFF},
        "carol": {Role.STUDENT},
        "dave": {Role.ALUMNUS},
        "erin": {Role.ALUMNUS, Role.CHAPTER_OFFICER},
        "frank": {Role.PARTNER},
        "gina": {Role.STUDENT},
        "hank": set(),
    }
    assert {name: set(roles_of(user)) for name, user in persona_users.items()} == expected
