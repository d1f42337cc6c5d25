import { Layout, type PageChrome } from './layout';

export function ErrorPage(props: PageChrome & { title: string; message: string }) {
  return (
    <Layout {...props} title={props.title}>
      <h1>{props.title}</h1>
      <p class="alert alert-error" role="alert">
        {props.message}
      </p>
    </Layout>
  );
}
