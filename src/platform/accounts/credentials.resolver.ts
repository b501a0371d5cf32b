import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context.ts';
import { AdminOnly, Anyone, LoggedIn } from '../auth/roles.ts';
import {
  CreateConsumerInput,
  CreateConsumerPayload,
  LoginPayload,
  LogoutPayload,
} from './accounts.types.ts';
import { credentials } from './credentials.service.ts';

@Resolver()
export class CredentialsResolver {
  @Anyone()
  @Mutation(() => LoginPayload, {
    description:
      'A new token and refresh token for a refresh token from login (each refresh token is good once). UNAUTHENTICATED when it is unknown, used, expired or its session ended.',
  })
  refreshToken(
    @Arg('refreshToken', () => String) refreshToken: string,
    @Ctx() ctx: RequestContext,
  ): Promise<LoginPayload> {
    return credentials.refresh(ctx, refreshToken);
  }

  @LoggedIn()
  @Mutation(() => LogoutPayload, {
    description:
      "Ends the caller's session (with allSessions: every session of the account); its tokens stop working at once, on every process.",
  })
  logout(
    @Arg('allSessions', () => Boolean, { defaultValue: false }) allSessions: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<LogoutPayload> {
    return credentials.logout(ctx, allSessions);
  }

  @LoggedIn()
  @Mutation(() => LoginPayload, {
    description:
      "Changes the caller's password (the old one required). Every session of the account ends; the payload carries the caller's new one.",
  })
  changePassword(
    @Arg('oldPassword', () => String) oldPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() ctx: RequestContext,
  ): Promise<LoginPayload> {
    return credentials.changePassword(ctx, oldPassword, newPassword);
  }

  @AdminOnly()
  @Mutation(() => CreateConsumerPayload, {
    description: 'ADMIN: a new account (a consumer or staff) with an empty bank account.',
  })
  createConsumer(
    @Arg('input', () => CreateConsumerInput) input: CreateConsumerInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CreateConsumerPayload> {
    return credentials.createConsumer(ctx, input);
  }
}
