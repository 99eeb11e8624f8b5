package org.bdx.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import org.bdx.cli.agreement.AgreementTemplateCommand;
import org.bdx.cli.report.ReportTemplateCommand;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ProposedTerms;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.TimeOfDay;
import org.junit.jupiter.api.Test;

/** Files people edit: the options' words for enum values, both ways. */
class HumanJsonTest {
  @Test
  void print_thenMerge_givesTheSameMessage() throws Exception {
    Report.Builder r = Report.newBuilder();
    HumanJson.merge(HumanJson.print(ReportTemplateCommand.example()), r, "f");
    assertThat(r.build()).isEqualTo(ReportTemplateCommand.example());
    ProposedTerms.Builder t = ProposedTerms.newBuilder();
    HumanJson.merge(HumanJson.print(AgreementTemplateCommand.example()), t, "f");
    assertThat(t.build()).isEqualTo(AgreementTemplateCommand.example());
  }

  @Test
  void merge_takesCamelCaseKeys_numbers_andEnumNames() throws Exception {
    Report.Builder r = Report.newBuilder();
    HumanJson.merge(
        "{\"timeOfDay\": \"Evening\", \"harms\": [2, \"HARM_CATEGORY_ROBBERY\", \"stalking\"]}",
        r,
        "f");
    assertThat(r.getTimeOfDay()).isEqualTo(TimeOfDay.TIME_OF_DAY_EVENING);
    assertThat(r.getHarmsList())
        .containsExactly(
            HarmCategory.forNumber(2),
            HarmCategory.HARM_CATEGORY_ROBBERY,
            HarmCategory.HARM_CATEGORY_STALKING);
  }

  @Test
  void merge_ofWhatIsNotJson_stillFailsAsNotJson() {
    assertThatThrownBy(() -> HumanJson.merge("{\"area\": ", Report.newBuilder(), "f"))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void merge_ofAnUnknownWord_namesFileFieldWordAndAcceptedWords() {
    assertThatThrownBy(
            () ->
                HumanJson.merge(
                    "{\"vehicle\": {}, \"severity\": \"bad\"}", Report.newBuilder(), "r.json"))
        .isInstanceOf(CliException.class)
        .hasMessage("r.json: severity: unknown value 'bad'; one of: low, moderate, high, critical");
  }
}
