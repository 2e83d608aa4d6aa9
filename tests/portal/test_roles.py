from portal import roles


def test_an_employee_has_no_handling_rights(reporter):
    assert roles.can_report(reporter)
    assert not roles.can_see_dashboard(reporter)
    assert not roles.can_handle_incidents(reporter)
    assert roles.role_names(reporter) == ["Medarbejder"]


def test_a_manager_manages_exactly_their_people(manager, reporter, colleague, other_manager):
    assert roles.managed_user_ids(manager) == [reporter.pk]
    assert roles.managed_user_ids(other_manager) == [colleague.pk]
    assert roles.managed_user_ids(reporter) == []


def test_it_records_containment_and_sees_the_dashboard_but_does_not_decide(it_user):
    assert roles.can_record_containment(it_user)
    assert roles.can_see_dashboard(it_user)
    assert roles.can_see_all_incidents(it_user)
    assert not roles.can_handle_incidents(it_user)


def test_the_gdpr_unit_handles_everything(gdpr_user, superuser):
    for user in (gdpr_user, superuser):
        assert roles.can_handle_incidents(user)
        assert roles.can_see_all_incidents(user)


def test_group_membership_is_read_once_per_request(reporter, django_assert_num_queries):
    with django_assert_num_queries(1):
        roles.is_it(reporter)
        roles.is_manager(reporter)
        roles.is_gdpr_unit(reporter)
